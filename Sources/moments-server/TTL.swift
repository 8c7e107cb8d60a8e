import ArgumentParser

/// Turns "30s", "15m", "12h", "7d" into a duration.
struct TTL: ExpressibleByArgument {
    let duration: Duration

    init?(argument: String) {
        guard let unit = argument.last, let value = Int64(argument.dropLast()), value > 0 else { return nil }
        switch unit {
        case "s": duration = .seconds(value)
        case "m": duration = .seconds(value * 60)
        case "h": duration = .seconds(value * 3600)
        case "d": duration = .seconds(value * 86400)
        default: return nil
        }
    }
}
