/// A port nobody listens on now (the OS picks it; it is free again once the socket closes).
func freePort() throws -> Int {
    let held = try HeldPort()
    defer { held.release() }
    return held.port
}
