// A small, non-variadic face of libvips for Swift (Swift cannot call C variadic functions),
// limited to what Moments does with untrusted pictures: read a header, decode with one named
// loader, rotate upright, shrink, flatten and re-encode without metadata.
#ifndef MOMENTS_CIMAGING_H
#define MOMENTS_CIMAGING_H

#include <stddef.h>

enum moments_image_format {
    MOMENTS_IMAGE_JPEG = 1,
    MOMENTS_IMAGE_PNG = 2,
    MOMENTS_IMAGE_WEBP = 3,
};

typedef struct {
    int width;
    int height;
    /// EXIF orientation, 1 (none) to 8.
    int orientation;
} moments_image_header;

/// Starts libvips for untrusted input: only the JPEG, PNG and WebP buffer loaders may run,
/// nothing marked untrusted, no operation cache. Returns 0 on success.
int moments_imaging_start(const char *program);

/// Reads the header only (no pixel is decoded) with the loader of `format`. Returns 0 on success.
int moments_image_probe(const void *data, size_t length, int format, moments_image_header *header);

/// Decodes with the loader of `format` (failing on truncation or corrupt data), rotates
/// upright, shrinks to fit `box` x `box` (never enlarges), flattens any alpha onto white and
/// encodes a JPEG of `quality` with no metadata. `*out` is freed with `moments_imaging_free`.
int moments_image_render(
    const void *data, size_t length, int format, int box, int quality, void **out, size_t *out_length,
    int *width, int *height);

/// Decodes as `moments_image_render` does (upright, fit in `box`; with `crop`, cut to a
/// `box` x `box` square from the centre) into 8-bit RGBA pixels, rows top to bottom
/// (`*width` * `*height` * 4 bytes, freed with `moments_imaging_free`): what a terminal
/// renderer draws from.
int moments_image_pixels(
    const void *data, size_t length, int format, int box, int crop, void **out, int *width, int *height);

/// Encodes 8-bit pixels (`bands` 3 or 4 per pixel, rows top to bottom) as `format`: for
/// generated pictures (the demo's, the tests').
int moments_image_encode(
    const unsigned char *pixels, int width, int height, int bands, int format, void **out, size_t *out_length);

/// libvips's error text since the last call (copied into `buffer`), then cleared.
void moments_imaging_error(char *buffer, size_t size);

void moments_imaging_free(void *pointer);

#endif
