import MomentsCore

/// A post's pictures as lines, WeChat's way: one alone, larger, in its own shape; two to nine
/// in squares, rows of three (four in two rows of two); the alt text under each when there is
/// room. A picture not drawn yet is a shaded block of its size, so text never waits for one.
enum PictureLayout {
    struct Block {
        var media: PostMedia
        var key: PictureKey
    }

    /// `large`: the post alone (the large size, more room); else the feed (thumbnails).
    static func lines(
        _ media: [PostMedia], inner: Int, gutter: Span, large: Bool, board: PictureBoard,
        wanted: inout [PictureKey: String]
    ) -> [[Span]] {
        guard !media.isEmpty else { return [] }
        guard board.mode != .none else {
            return media.enumerated().map { index, item in
                let alt = item.alt.isEmpty ? "" : ": " + item.alt
                return [
                    gutter, Span(TextLayout.truncate("[photo \(index + 1)/\(media.count)\(alt)]", to: inner), .dim),
                ]
            }
        }
        var lines: [[Span]] = []
        for row in rows(media, inner: inner, large: large, depth: board.depth, kitty: board.mode == .kitty) {
            let height = row[0].key.rows
            for line in 0..<height {
                var spans = [gutter]
                for (index, block) in row.enumerated() {
                    if index > 0 { spans.append(Span(" ")) }
                    switch board.slots[block.key] {
                    case .ready(let picture): spans += picture.spans(row: line)
                    case .pixels:
                        // Blank cells the terminal draws the picture over (`KittyPlacer`).
                        let mark = PictureMark(key: block.key, row: line)
                        spans.append(Span(String(repeating: " ", count: block.key.columns), Style(picture: mark)))
                    case .failed: spans.append(Span(TextLayout.pad(line == 0 ? "✕" : "", to: block.key.columns), .dim))
                    case nil: spans.append(Span(String(repeating: "░", count: block.key.columns), .dim))
                    }
                }
                lines.append(spans)
            }
            for block in row {
                let address = block.key.size == .thumb ? block.media.thumbUrl : block.media.largeUrl
                if let address { wanted[block.key] = address }
            }
            if row.contains(where: { !$0.media.alt.isEmpty }) {
                var spans = [gutter]
                for (index, block) in row.enumerated() {
                    if index > 0 { spans.append(Span(" ")) }
                    spans.append(
                        Span(
                            TextLayout.pad(
                                TextLayout.truncate(block.media.alt, to: block.key.columns), to: block.key.columns),
                            .dim))
                }
                lines.append(spans)
            }
        }
        return lines
    }

    /// The blocks, row by row, with their cells.
    static func rows(_ media: [PostMedia], inner: Int, large: Bool, depth: ColorDepth, kitty: Bool = false) -> [[Block]]
    {
        let size: PictureKey.Size = large ? .large : .thumb
        if media.count == 1 {
            let item = media[0]
            // Cells are about twice as tall as wide.
            var columns = max(4, min(inner, large ? 64 : 32))
            let ratio = min(100, max(0.01, Double(max(1, item.height)) / Double(max(1, item.width))))
            var rows = Int((Double(columns) * ratio / 2).rounded())
            let most = large ? 32 : 14
            if rows > most {
                rows = most
                columns = max(4, min(columns, Int((Double(rows) * 2 / ratio).rounded())))
            }
            rows = max(2, rows)
            return [
                [
                    Block(
                        media: item,
                        key: PictureKey(
                            mediaId: item.id, size: size, columns: columns, rows: rows, crop: false, depth: depth,
                            kitty: kitty))
                ]
            ]
        }
        let perRow = media.count == 4 ? 2 : 3
        let columns = max(4, min((inner - (perRow - 1)) / perRow, large ? 24 : 14))
        let rows = max(2, columns / 2)
        let blocks = media.map {
            Block(
                media: $0,
                key: PictureKey(
                    mediaId: $0.id, size: size, columns: columns, rows: rows, crop: true, depth: depth, kitty: kitty))
        }
        return stride(from: 0, to: blocks.count, by: perRow).map { Array(blocks[$0..<min($0 + perRow, blocks.count)]) }
    }
}
