/// Keeps kitty's pictures where the frame kept cells for them: after each frame, pictures
/// whose cells moved or went are deleted and those now shown are placed, each at the first
/// cell of its block. A picture whose block is not wholly on screen is not placed.
struct KittyPlacer {
    private struct Placement: Hashable {
        var key: PictureKey
        var row: Int
        var column: Int
    }

    private var placed: [Placement: UInt32] = [:]
    private var nextId: UInt32 = 1

    /// The escapes that bring the terminal from what was placed to what `screen` wants.
    mutating func update(_ screen: Screen, pictures: PictureBoard) -> String {
        var wanted: Set<Placement> = []
        var firstRows: [PictureKey: (row: Int, column: Int)] = [:]
        var lastRow: [PictureKey: Int] = [:]
        for row in 0..<screen.rows {
            var column = 0
            for span in screen.lines[row] {
                if let mark = span.style.picture {
                    if mark.row == 0 { firstRows[mark.key] = (row, column) }
                    if let first = firstRows[mark.key], row - first.row == mark.row { lastRow[mark.key] = mark.row }
                }
                column += CellWidth.of(span.text)
            }
        }
        for (key, first) in firstRows where lastRow[key] == key.rows - 1 {
            wanted.insert(Placement(key: key, row: first.row, column: first.column))
        }
        var escapes = ""
        for (placement, id) in placed where !wanted.contains(placement) {
            escapes += KittyImage.delete(id: id)
            placed[placement] = nil
        }
        for placement in wanted where placed[placement] == nil {
            guard case .pixels(let image) = pictures.slots[placement.key] else { continue }
            let id = nextId
            nextId &+= 1
            // Saved and restored around it: ncurses keeps track of the cursor itself.
            escapes += "\u{1B}7\u{1B}[\(placement.row + 1);\(placement.column + 1)H"
            escapes += image.transmit(id: id, columns: placement.key.columns, rows: placement.key.rows) + "\u{1B}8"
            placed[placement] = id
        }
        return escapes
    }

    /// Deletes every picture placed (leaving, or the screen changing under them).
    mutating func clear() -> String {
        defer { placed = [:] }
        return placed.values.map(KittyImage.delete).joined()
    }
}
