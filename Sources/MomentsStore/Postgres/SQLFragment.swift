import PostgresNIO

/// A piece of SQL with its values in place, written as a string interpolation and appended,
/// in order, to a statement being built. A `PostgresQuery` cannot be joined to another once
/// made (its placeholders are numbered as values are bound), so the parts of a statement that
/// are chosen separately (a write's change, then its events) are fragments until the end.
struct SQLFragment: ExpressibleByStringInterpolation, Sendable {
    fileprivate enum Part: Sendable {
        case literal(String)
        case value(@Sendable (inout PostgresQuery.StringInterpolation) -> Void)
    }

    fileprivate var parts: [Part]

    init(stringLiteral value: String) { parts = [.literal(value)] }

    init(stringInterpolation: StringInterpolation) { parts = stringInterpolation.parts }

    struct StringInterpolation: StringInterpolationProtocol {
        fileprivate var parts: [Part] = []

        init(literalCapacity: Int, interpolationCount: Int) {}

        mutating func appendLiteral(_ literal: String) { parts.append(.literal(literal)) }

        mutating func appendInterpolation<Value: PostgresDynamicTypeEncodable & Sendable>(_ value: Value) {
            parts.append(.value { $0.appendInterpolation(value) })
        }

        mutating func appendInterpolation<Value: PostgresDynamicTypeEncodable & Sendable>(_ value: Value?) {
            parts.append(.value { $0.appendInterpolation(value) })
        }

        mutating func appendInterpolation(_ fragment: SQLFragment) { parts += fragment.parts }
    }

    /// SQL written for both stores (`Visibility`), its `:name` placeholders bound to `values`
    /// (a name followed or preceded by another colon, a cast, is left alone).
    init(_ sql: String, binding values: [String: any PostgresDynamicTypeEncodable & Sendable]) {
        parts = []
        var literal = ""
        var rest = Substring(sql)
        while let colon = rest.firstIndex(of: ":") {
            literal += rest[..<colon]
            let after = rest[rest.index(after: colon)...]
            let name = after.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            let isCast = literal.last == ":" || after.first == ":"
            if !isCast, let value = values[String(name)] {
                parts.append(.literal(literal))
                parts.append(.value { $0.appendInterpolation(value) })
                literal = ""
                rest = after.dropFirst(name.count)
            } else {
                literal += ":"
                rest = after
            }
        }
        parts.append(.literal(literal + rest))
    }

    /// The statement, its values bound in the order they appear.
    var query: PostgresQuery {
        var sql = PostgresQuery.StringInterpolation(literalCapacity: 512, interpolationCount: parts.count)
        for part in parts {
            switch part {
            case .literal(let literal): sql.appendLiteral(literal)
            case .value(let bind): bind(&sql)
            }
        }
        return PostgresQuery(stringInterpolation: sql)
    }
}
