#ifndef MOMENTS_CNCURSES_SHIM_H
#define MOMENTS_CNCURSES_SHIM_H
// SwiftPM drops pkg-config's -D flags, so the wide-character API is switched on here,
// before <ncurses.h> decides what to declare.
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <wchar.h>
#include <ncurses.h>

// Swift 6 rejects C globals as not concurrency-safe and does not import function-like macros:
// these accessors stand in for them.
static inline WINDOW *moments_stdscr(void) { return stdscr; }
static inline int moments_lines(void) { return LINES; }
static inline int moments_cols(void) { return COLS; }
static inline int moments_color_pair(int n) { return (int)COLOR_PAIR(n); }
static inline int moments_a_bold(void) { return (int)A_BOLD; }
static inline int moments_a_reverse(void) { return (int)A_REVERSE; }
static inline int moments_a_dim(void) { return (int)A_DIM; }
static inline int moments_a_underline(void) { return (int)A_UNDERLINE; }
static inline int moments_key_code_yes(void) { return KEY_CODE_YES; }
static inline int moments_err(void) { return ERR; }
// Some of these are macros in some ncurses builds; functions import the same everywhere.
static inline void moments_style(int attributes, short pair) { attr_set((attr_t)attributes, pair, NULL); }
/// A pair past 32767 (pictures' colours): through the options pointer, as X/Open says.
static inline void moments_style_pair(int attributes, int pair) { attr_set((attr_t)attributes, 0, &pair); }
static inline int moments_color_pairs(void) { return COLOR_PAIRS; }
static inline int moments_put(int row, int column, const wchar_t *text) { return mvaddwstr(row, column, text); }
static inline int moments_get_key(wint_t *key) { return get_wch(key); }
static inline void moments_timeout(int milliseconds) { timeout(milliseconds); }
static inline int moments_colors(void) { return COLORS; }
// The mouse: presses of the first button (a click), and the wheel (buttons 4 and 5).
static inline void moments_mouse_on(void) {
    mousemask(BUTTON1_PRESSED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
    mouseinterval(0);
}
static inline int moments_key_mouse(void) { return KEY_MOUSE; }
/// 1 a click, 2 the wheel up, 3 the wheel down, 0 anything else; the cell in row and column.
static inline int moments_read_mouse(int *row, int *column) {
    MEVENT event;
    if (getmouse(&event) != OK) return 0;
    *row = event.y;
    *column = event.x;
    if (event.bstate & BUTTON1_PRESSED) return 1;
    if (event.bstate & BUTTON4_PRESSED) return 2;
    if (event.bstate & BUTTON5_PRESSED) return 3;
    return 0;
}
#endif
