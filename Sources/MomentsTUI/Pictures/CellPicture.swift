/// A picture drawn as cells: each a symbol with a foreground and a background colour (24-bit
/// RGB for `.direct`, a palette index otherwise), rows top to bottom.
public struct CellPicture: Equatable, Sendable {
    public struct Cell: Equatable, Sendable {
        public var symbol: Unicode.Scalar
        public var foreground: UInt32
        public var background: UInt32
    }

    public let columns: Int
    public let rows: Int
    public let depth: ColorDepth
    public let cells: [Cell]

    public init(columns: Int, rows: Int, depth: ColorDepth, cells: [Cell]) {
        precondition(cells.count == columns * rows, "cells do not fill the picture")
        self.columns = columns
        self.rows = rows
        self.depth = depth
        self.cells = cells
    }

    /// Row `row` as spans: a run of cells of the same colours is one span.
    public func spans(row: Int) -> [Span] {
        var spans: [Span] = []
        var text = ""
        var paint: Paint?
        for cell in cells[(row * columns)..<((row + 1) * columns)] {
            let next = Paint(foreground: cell.foreground, background: cell.background, depth: depth)
            if next != paint, let paint {
                spans.append(Span(text, Style(paint: paint)))
                text = ""
            }
            paint = next
            text.unicodeScalars.append(cell.symbol)
        }
        if let paint { spans.append(Span(text, Style(paint: paint))) }
        return spans
    }
}

/// Colours a cell is painted in, past the theme's roles: a picture's.
public struct Paint: Equatable, Sendable, Hashable {
    public var foreground: UInt32
    public var background: UInt32
    public var depth: ColorDepth
}

/// Where a picture drawn by the terminal (kitty's protocol) goes: the cells of its first row
/// carry `row` 0, and the placer puts the picture there when all its rows are on screen.
public struct PictureMark: Equatable, Sendable, Hashable {
    public var key: PictureKey
    public var row: Int
}
