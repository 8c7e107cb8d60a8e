import ArgumentParser

/// Turns "30s", "15m", "12h", "7d" into a duration.
struct TTL: ExpressibleByArgument {
    let duration: Duration

    var defaultValueDescription: String {
        let seconds = duration.components.seconds
        return seconds % 86400 == 0 ? "\(seconds / 86400)d" : seconds % 3600 == 0 ? "\(seconds / 3600)h" : "\(seconds)s"
    }

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

/// `--event-retention`: a TTL, or 0 to keep everything.
struct Retention: ExpressibleByArgument {
    let duration: Duration?

    init(duration: Duration?) { self.duration = duration }

    init?(argument: String) {
        if argument == "0" {
            duration = nil
        } else if let ttl = TTL(argument: argument) {
            duration = ttl.duration
        } else {
            return nil
        }
    }

    var defaultValueDescription: String { duration.map { "\($0.components.seconds / 86400)d" } ?? "0" }
}
