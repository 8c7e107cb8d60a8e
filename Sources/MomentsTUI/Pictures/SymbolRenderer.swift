import CChafa
import MomentsImaging

/// Draws a picture in cells with Chafa: Unicode block symbols whose two colours approximate
/// each cell's pixels, in the colours the terminal has.
enum SymbolRenderer {
    /// `bytes` (a JPEG the server made) in `columns` x `rows` cells; `crop` fills them from the
    /// picture's centre (a grid's squares), else the picture is stretched to them (the caller
    /// keeps its shape).
    static func render(_ bytes: [UInt8], columns: Int, rows: Int, crop: Bool, depth: ColorDepth) throws -> CellPicture {
        // About 8 x 16 pixels a cell: what Chafa needs to pick symbols well, and no more.
        let box = max(columns * 8, rows * 16)
        let image = try Imaging.pixels(of: bytes, format: .jpeg, box: box, crop: crop)
        let symbols = chafa_symbol_map_new()
        defer { chafa_symbol_map_unref(symbols) }
        // Blocks and space only: one cell wide in every terminal and font.
        chafa_symbol_map_add_by_tags(
            symbols, ChafaSymbolTags(rawValue: CHAFA_SYMBOL_TAG_BLOCK.rawValue | CHAFA_SYMBOL_TAG_SPACE.rawValue))
        let config = chafa_canvas_config_new()
        defer { chafa_canvas_config_unref(config) }
        chafa_canvas_config_set_geometry(config, gint(columns), gint(rows))
        chafa_canvas_config_set_symbol_map(config, symbols)
        let mode: ChafaCanvasMode =
            switch depth {
            case .direct: CHAFA_CANVAS_MODE_TRUECOLOR
            // The 16 base colours differ from terminal to terminal; the rest of the 256 do not.
            case .indexed256: CHAFA_CANVAS_MODE_INDEXED_240
            case .indexed16: CHAFA_CANVAS_MODE_INDEXED_16
            }
        chafa_canvas_config_set_canvas_mode(config, mode)
        let canvas = chafa_canvas_new(config)
        defer { chafa_canvas_unref(canvas) }
        image.pixels.withUnsafeBufferPointer { pixels in
            chafa_canvas_draw_all_pixels(
                canvas, CHAFA_PIXEL_RGBA8_UNASSOCIATED, pixels.baseAddress, gint(image.width), gint(image.height),
                gint(image.width * 4))
        }
        var cells: [CellPicture.Cell] = []
        cells.reserveCapacity(columns * rows)
        for y in 0..<rows {
            for x in 0..<columns {
                let symbol = Unicode.Scalar(chafa_canvas_get_char_at(canvas, gint(x), gint(y))) ?? " "
                var foreground: gint = 0
                var background: gint = 0
                if depth == .direct {
                    chafa_canvas_get_colors_at(canvas, gint(x), gint(y), &foreground, &background)
                } else {
                    chafa_canvas_get_raw_colors_at(canvas, gint(x), gint(y), &foreground, &background)
                }
                cells.append(
                    CellPicture.Cell(
                        symbol: symbol, foreground: UInt32(max(0, foreground)), background: UInt32(max(0, background))))
            }
        }
        return CellPicture(columns: columns, rows: rows, depth: depth, cells: cells)
    }
}
