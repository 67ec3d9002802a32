#ifndef CPNGSHIM_H
#define CPNGSHIM_H
/* A very small boundary around libpng: every libpng call runs under setjmp here, so libpng's
 * longjmp-based errors come back as a status code and a message, never unwind Swift frames.
 * Samples are handed on as stored: no gamma, sRGB or alpha-mode transforms are ever requested. */
#include <stddef.h>
#include <stdint.h>

const char *wb_png_libpng_version(void);

/* Header facts, and the layout `wb_png_decode` produces. */
typedef struct wb_png_info {
    uint32_t width, height;
    int bit_depth;            /* as stored: 1, 2, 4, 8 or 16 */
    int color_type;           /* PNG_COLOR_TYPE_*: 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA */
    int interlaced;           /* 1 for Adam7 */
    int has_trns;             /* a tRNS chunk was seen (only filled by wb_png_read_info) */
    int out_channels;         /* channels after expansion: palette -> RGB(A), tRNS -> alpha */
    int out_bytes_per_sample; /* 1, or 2 for 16-bit (host byte order) */
    size_t out_row_bytes;
} wb_png_info;

/* Status codes. */
enum { WB_PNG_OK = 0, WB_PNG_ERROR = 1, WB_PNG_TRUNCATED = 2 };

/* Reads only the signature and IHDR chunk (cheap); fills width, height, bit_depth, color_type,
 * interlaced. `size` may be as small as 33 bytes. */
int wb_png_read_ihdr(const unsigned char *data, size_t size, wb_png_info *info,
                     char *message, size_t message_size);

/* Reads all chunks before the image data and fills every field of `info`. */
int wb_png_read_info(const unsigned char *data, size_t size, wb_png_info *info,
                     char *message, size_t message_size);

/* Decodes the whole image into `out` (`out_size` must equal height * out_row_bytes): samples
 * interleaved per pixel, one byte per sample for depths up to 8 (1/2/4-bit grey expanded to 8 bits
 * by libpng, i.e. v * 255 / (2^depth - 1)), two bytes in host order for 16-bit. */
int wb_png_decode(const unsigned char *data, size_t size, void *out, size_t out_size,
                  wb_png_info *info, char *message, size_t message_size);

/* What to write: any colour type, bit depth, palette (+ tRNS alpha per entry), tRNS colour key,
 * interlace. Samples are one per byte (depth <= 8; libpng packs sub-byte depths) or one uint16 in
 * host order per sample (depth 16), rows contiguous, channels interleaved (palette: indices). */
typedef struct wb_png_write_spec {
    uint32_t width, height;
    int bit_depth, color_type, interlaced;
    const unsigned char *palette; /* RGB triples */
    int palette_entries;
    const unsigned char *palette_alpha; /* tRNS for palette images */
    int palette_alpha_entries;
    int has_trns_color; /* tRNS colour key for grey/RGB images */
    uint16_t trns_grey, trns_red, trns_green, trns_blue;
    int compression_level; /* 0..9, or -1 for libpng's default */
} wb_png_write_spec;

/* Encodes `samples` as a PNG file at `path` (the caller renames it into place). */
int wb_png_write_file(const char *path, const wb_png_write_spec *spec, const void *samples,
                      char *message, size_t message_size);
#endif
