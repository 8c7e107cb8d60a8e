import Foundation
import MomentsClient

/// moments-tui's decisions before the first frame, as functions the tests can call: where the
/// token comes from, which servers, whether to start offline from the last run's screen.
/// `moments-tui`'s `main.swift` only parses its options, calls these and runs; a refusal is a
/// `Startup.Refusal`, which it prints as one line (exit 1).
public enum Startup {
    public struct Refusal: Error, Equatable, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// The token from the first of: `--token`, `--token-file`, `MOMENTS_TOKEN`, config.toml's
    /// `token_file`.
    public static func token(
        flag: String?, flagFile: String?, environment: [String: String], configFile: String?
    ) throws -> String {
        let token = try flag ?? flagFile.map(readToken) ?? environment["MOMENTS_TOKEN"] ?? configFile.map(readToken)
        guard let token, !token.isEmpty else {
            throw Refusal(
                "no token: pass --token TOKEN or --token-file PATH, or set MOMENTS_TOKEN (moments-server token USER prints one)"
            )
        }
        return token
    }

    /// The token in `path`, refused when others may read the file (as ssh refuses such a key).
    public static func readToken(_ path: String) throws -> String {
        let path = NSString(string: path).expandingTildeInPath
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue,
            let text = try? String(contentsOfFile: path, encoding: .utf8)
        else {
            throw Refusal("cannot read the token file \(path)")
        }
        guard mode & 0o077 == 0 else {
            throw Refusal("\(path) is readable by others (mode \(String(mode & 0o777, radix: 8))): chmod 600 \(path)")
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The servers: every `--server` (or config.toml's), commas separating the nodes of a
    /// cluster; http:// or https://, all the same, and TLS options for https:// only.
    public static func servers(_ addresses: [String], trust: ServerTrust) throws -> [URL] {
        let urls = try addresses.map { address in
            guard let url = URL(string: address), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw Refusal("--server must be an http:// or https:// URL, got \(address)")
            }
            return url
        }
        guard let scheme = urls.first?.scheme, urls.allSatisfy({ $0.scheme == scheme }) else {
            throw Refusal("--server: every node of a cluster needs the same scheme (all http:// or all https://)")
        }
        if scheme == "http", trust != ServerTrust() {
            throw Refusal("--ca-file and --insecure apply to https:// servers only")
        }
        return urls
    }

    /// The first screen: from the server, or (the server unreachable, and this token's user has
    /// been here before) the last run's, marked offline. A token the server rejects, or a
    /// server away with nothing saved, is a refusal.
    public static func firstState(
        api: MomentsAPI, token: String, stateFiles: (_ user: String) -> StateFiles
    ) async throws -> AppState {
        let address = api.rotation.servers.map(\.absoluteString).joined(separator: ",")
        do {
            return try await load(api)
        } catch let error as ClientError {
            if error.isUnauthorized { throw Refusal("token rejected by \(address)") }
            guard case .transport = error, let user = subject(of: token), let snapshot = stateFiles(user).snapshot()
            else {
                throw Refusal("\(address): \(error)")
            }
            return AppState.offline(from: snapshot)
        }
    }

    /// Everything the first frame needs, so a bad token or a dead server fails before the UI.
    static func load(_ api: MomentsAPI) async throws -> AppState {
        let me = try await api.me(deadline: .seconds(4))
        async let feed = api.feed()
        async let notifications = api.notifications()
        var state = AppState(me: me.user)
        _ = state.update(.feedLoaded(.success(try await feed), appending: false))
        _ = state.update(.notificationsLoaded(.success(try await notifications)))
        return state
    }

    /// Whose token it is, read (not verified: the server does that) from the JWT's `sub`, to
    /// find that user's saved screen while the server cannot be asked.
    public static func subject(of token: String) -> String? {
        let parts = token.split(separator: ".")
        guard parts.count == 3 else { return nil }
        var payload = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        payload += String(repeating: "=", count: (4 - payload.count % 4) % 4)
        guard let data = Data(base64Encoded: payload),
            let claims = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        return claims["sub"] as? String
    }
}
