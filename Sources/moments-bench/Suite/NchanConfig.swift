import Foundation

/// nginx with the Nchan module, as the peer every single-node figure is measured against: as
/// many workers as cores, no access log (Moments runs without one too), room for 19,500
/// connections a worker.
enum NchanConfig {
    static func text(port: Int, folder: String) -> String {
        """
        load_module /usr/lib/nginx/modules/ngx_nchan_module.so;
        worker_processes \(ProcessInfo.processInfo.activeProcessorCount);
        worker_rlimit_nofile 20000;
        pid \(folder)/nginx.pid;
        error_log \(folder)/error.log warn;
        daemon off;
        events { worker_connections 19500; }
        http {
          access_log off;
          client_body_temp_path \(folder)/body;
          proxy_temp_path \(folder)/proxy;
          fastcgi_temp_path \(folder)/fastcgi;
          uwsgi_temp_path \(folder)/uwsgi;
          scgi_temp_path \(folder)/scgi;
          server {
            listen 127.0.0.1:\(port);
            # Each subscriber listens to its own channel and to "all" (broadcasts).
            location ~ ^/sub/(\\w+)$ { nchan_subscriber; nchan_channel_id $1 all; nchan_subscriber_first_message newest; }
            location ~ ^/pub/(\\w+)$ { nchan_publisher; nchan_channel_id $1; }
          }
        }

        """
    }
}
