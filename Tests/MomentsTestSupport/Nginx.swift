import Foundation
import Glibc

/// nginx from Debian, running the shipped `deploy/nginx/moments.conf` with its addresses and
/// certificate filled in for loopback: the lines a person would change, and nothing else.
final class Nginx {
    let port: Int
    let folder: URL
    private let child: Child

    static let shippedSite = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("deploy/nginx/moments.conf")

    init(upstreamPort: Int, certificates: TestCertificates) async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/sbin/nginx") else {
            throw TestFailure("nginx is not installed (scripts/ensure-deps installs it)")
        }
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("moments-nginx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        port = try freePort()
        var site = try String(contentsOf: Self.shippedSite, encoding: .utf8)
        for (line, replacement) in [
            ("server 127.0.0.1:8080;", "server 127.0.0.1:\(upstreamPort);"),
            ("listen 443 ssl;", "listen 127.0.0.1:\(port) ssl;"),
            ("server_name moments.example.com;", "server_name localhost;"),
            ("/etc/letsencrypt/live/moments.example.com/fullchain.pem", certificates.serverCertificate),
            ("/etc/letsencrypt/live/moments.example.com/privkey.pem", certificates.serverKey),
        ] {
            guard site.contains(line) else {
                throw TestFailure("deploy/nginx/moments.conf no longer has `\(line)`: update this test with it")
            }
            site = site.replacingOccurrences(of: line, with: replacement)
        }
        try site.write(to: folder.appendingPathComponent("moments.conf"), atomically: true, encoding: .utf8)
        let path = folder.path
        let main = """
            daemon off;
            master_process off;
            pid \(path)/nginx.pid;
            error_log \(path)/error.log warn;
            events { worker_connections 1024; }
            http {
                access_log off;
                client_body_temp_path \(path)/body;
                proxy_temp_path \(path)/proxy;
                fastcgi_temp_path \(path)/fastcgi;
                uwsgi_temp_path \(path)/uwsgi;
                scgi_temp_path \(path)/scgi;
                include \(path)/moments.conf;
            }
            """
        try main.write(to: folder.appendingPathComponent("nginx.conf"), atomically: true, encoding: .utf8)
        child = try Child(
            "/usr/sbin/nginx", ["-p", path, "-e", "\(path)/error.log", "-c", "\(path)/nginx.conf"],
            stderr: "\(path)/stderr.log")
        let port = self.port
        let folder = self.folder
        try await eventually("nginx to listen on \(port)") { () -> Bool in
            if kill(self.child.pid, 0) != 0 {
                let log = (try? String(contentsOf: folder.appendingPathComponent("error.log"), encoding: .utf8)) ?? ""
                throw TestFailure("nginx exited: \(log)")
            }
            return (try? RawConnection(port: port)) != nil
        }
    }

    var url: URL { URL(string: "https://localhost:\(port)")! }

    func stop() {
        child.forceKill()
        try? FileManager.default.removeItem(at: folder)
    }
}
