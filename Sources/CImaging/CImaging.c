#include "CImaging.h"

#include <string.h>
#include <vips/vips.h>

int moments_imaging_start(const char *program) {
    if (VIPS_INIT(program) != 0) return -1;
    // Debian's libvips can reach ImageMagick, poppler and others through its generic loaders:
    // every loader is blocked, then only the three we name are allowed again.
    vips_block_untrusted_set(TRUE);
    vips_operation_block_set("VipsForeignLoad", TRUE);
    vips_operation_block_set("VipsForeignLoadJpegBuffer", FALSE);
    vips_operation_block_set("VipsForeignLoadPngBuffer", FALSE);
    vips_operation_block_set("VipsForeignLoadWebpBuffer", FALSE);
    // Each upload is decoded once: caching its operations only holds memory.
    vips_cache_set_max(0);
    vips_cache_set_max_mem(0);
    vips_cache_set_max_files(0);
    // The server bounds how many pictures decode at once; each uses one thread.
    vips_concurrency_set(1);
    return 0;
}

static int load(const void *data, size_t length, int format, int shrink, VipsImage **image) {
    // WebP decodes whole, never line by line: scaled while decoding, it never exists at full size.
    if (format == MOMENTS_IMAGE_WEBP && shrink > 1)
        return vips_webpload_buffer(
            (void *)data, length, image, "scale", 1.0 / shrink, "fail_on", VIPS_FAIL_ON_ERROR, "access",
            VIPS_ACCESS_SEQUENTIAL, NULL);
    switch (format) {
    case MOMENTS_IMAGE_JPEG:
        return vips_jpegload_buffer(
            (void *)data, length, image, "shrink", shrink, "fail_on", VIPS_FAIL_ON_ERROR, "access",
            VIPS_ACCESS_SEQUENTIAL, NULL);
    case MOMENTS_IMAGE_PNG:
        return vips_pngload_buffer(
            (void *)data, length, image, "fail_on", VIPS_FAIL_ON_ERROR, "access", VIPS_ACCESS_SEQUENTIAL, NULL);
    case MOMENTS_IMAGE_WEBP:
        return vips_webpload_buffer(
            (void *)data, length, image, "fail_on", VIPS_FAIL_ON_ERROR, "access", VIPS_ACCESS_SEQUENTIAL, NULL);
    default:
        vips_error("moments", "unsupported format %d", format);
        return -1;
    }
}

int moments_image_probe(const void *data, size_t length, int format, moments_image_header *header) {
    VipsImage *image = NULL;
    // A loader opened from a buffer reads the header now and pixels only when asked.
    if (load(data, length, format, 1, &image) != 0) return -1;
    header->width = vips_image_get_width(image);
    header->height = vips_image_get_height(image);
    header->orientation = vips_image_get_orientation(image);
    g_object_unref(image);
    return 0;
}

/// Loads with JPEG shrink-on-load where it helps, turns upright and shrinks to fit `box`, in
/// sRGB: into `step[2]` of `base`'s local array (the caller unrefs `base`).
static int upright_fit(const void *data, size_t length, int format, int box, int crop, VipsImage **step) {
    moments_image_header header;
    if (moments_image_probe(data, length, format, &header) != 0) return -1;
    // JPEG can shrink by 2, 4 or 8 while decoding: a 12-megapixel photo then never exists in
    // memory at full size when a small picture is wanted.
    int shrink = 1;
    int longest = header.width > header.height ? header.width : header.height;
    if (format == MOMENTS_IMAGE_JPEG || format == MOMENTS_IMAGE_WEBP)
        while (shrink < 8 && longest / (shrink * 2) >= box) shrink *= 2;
    VipsImage *loaded = NULL, *upright = NULL, *fitted = NULL;
    // Read once, top to bottom, shrunk as it streams (the box is square: shrinking before
    // turning fits the same), then turned upright small.
    int failed = load(data, length, format, shrink, &loaded) ||
        vips_thumbnail_image(
            loaded, &fitted, box, "height", box, "size", VIPS_SIZE_DOWN, "no_rotate", TRUE, "crop",
            crop ? VIPS_INTERESTING_CENTRE : VIPS_INTERESTING_NONE, NULL) ||
        vips_autorot(fitted, &upright, NULL) || vips_colourspace(upright, step, VIPS_INTERPRETATION_sRGB, NULL);
    if (loaded) g_object_unref(loaded);
    if (fitted) g_object_unref(fitted);
    if (upright) g_object_unref(upright);
    return failed ? -1 : 0;
}

int moments_image_pixels(
    const void *data, size_t length, int format, int box, int crop, void **out, int *width, int *height) {
    VipsImage *base = vips_image_new();
    VipsImage **step = (VipsImage **)vips_object_local_array(VIPS_OBJECT(base), 3);
    int failed = upright_fit(data, length, format, box, crop, &step[0]);
    if (!failed) {
        if (vips_image_hasalpha(step[0])) {
            step[1] = step[0];
            g_object_ref(step[1]);
        } else {
            failed = vips_bandjoin_const1(step[0], &step[1], 255.0, NULL);
        }
    }
    failed = failed || vips_cast_uchar(step[1], &step[2], NULL);
    if (!failed) {
        size_t size = 0;
        *out = vips_image_write_to_memory(step[2], &size);
        *width = vips_image_get_width(step[2]);
        *height = vips_image_get_height(step[2]);
        failed = *out == NULL || size != (size_t)(*width) * (*height) * 4;
        if (failed && *out) {
            g_free(*out);
            *out = NULL;
        }
    }
    g_object_unref(base);
    return failed ? -1 : 0;
}

int moments_image_render(
    const void *data, size_t length, int format, int box, int quality, void **out, size_t *out_length,
    int *width, int *height) {
    VipsImage *base = vips_image_new();
    VipsImage **step = (VipsImage **)vips_object_local_array(VIPS_OBJECT(base), 6);
    int failed = upright_fit(data, length, format, box, 0, &step[3]);
    if (!failed) {
        if (vips_image_hasalpha(step[3])) {
            VipsArrayDouble *white = vips_array_double_newv(3, 255.0, 255.0, 255.0);
            failed = vips_flatten(step[3], &step[4], "background", white, NULL);
            vips_area_unref(VIPS_AREA(white));
        } else {
            step[4] = step[3];
            g_object_ref(step[4]);
        }
    }
    failed = failed || vips_cast_uchar(step[4], &step[5], NULL) ||
        vips_jpegsave_buffer(
            step[5], out, out_length, "Q", quality, "strip", TRUE, "optimize_coding", TRUE, NULL);
    if (!failed) {
        *width = vips_image_get_width(step[5]);
        *height = vips_image_get_height(step[5]);
    }
    g_object_unref(base);
    return failed ? -1 : 0;
}

int moments_image_encode(
    const unsigned char *pixels, int width, int height, int bands, int format, void **out, size_t *out_length) {
    VipsImage *image = vips_image_new_from_memory_copy(
        pixels, (size_t)width * height * bands, width, height, bands, VIPS_FORMAT_UCHAR);
    if (!image) return -1;
    int failed;
    switch (format) {
    case MOMENTS_IMAGE_JPEG: failed = vips_jpegsave_buffer(image, out, out_length, "Q", 90, NULL); break;
    case MOMENTS_IMAGE_PNG: failed = vips_pngsave_buffer(image, out, out_length, NULL); break;
    case MOMENTS_IMAGE_WEBP: failed = vips_webpsave_buffer(image, out, out_length, NULL); break;
    default: failed = -1;
    }
    g_object_unref(image);
    return failed ? -1 : 0;
}

void moments_imaging_error(char *buffer, size_t size) {
    if (size == 0) return;
    strncpy(buffer, vips_error_buffer(), size - 1);
    buffer[size - 1] = 0;
    vips_error_clear();
}

void moments_imaging_free(void *pointer) { g_free(pointer); }
