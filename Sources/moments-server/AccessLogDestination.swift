import ArgumentParser
import MomentsServer

enum AccessLogDestination: String, ExpressibleByArgument, CaseIterable {
    case stdout, stderr, off

    func log(format: AccessLog.Format) -> AccessLog? {
        switch self {
        case .stdout: .to(.standardOutput, format: format)
        case .stderr: .to(.standardError, format: format)
        case .off: nil
        }
    }
}

extension AccessLog.Format: ExpressibleByArgument {}
