#include "cpngshim.h"
#include <png.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *wb_png_libpng_version(void) { return PNG_LIBPNG_VER_STRING; }

/* Per-call context: where the compressed bytes are, and where an error message goes. */
typedef struct wb_ctx {
    const unsigned char *data;
    size_t size, pos;
    char *message;
    size_t message_size;
    int truncated;
} wb_ctx;

static void wb_set_message(wb_ctx *ctx, const char *text) {
    if (ctx->message && ctx->message_size > 0) snprintf(ctx->message, ctx->message_size, "%s", text);
}

static void wb_error(png_structp png, png_const_charp text) {
    wb_ctx *ctx = (wb_ctx *)png_get_error_ptr(png);
    wb_set_message(ctx, text);
    png_longjmp(png, 1);
}

static void wb_warning(png_structp png, png_const_charp text) { (void)png; (void)text; }

static void wb_read(png_structp png, png_bytep out, png_size_t length) {
    wb_ctx *ctx = (wb_ctx *)png_get_io_ptr(png);
    if (length > ctx->size - ctx->pos) {
        ctx->truncated = 1;
        png_error(png, "unexpected end of data");
    }
    memcpy(out, ctx->data + ctx->pos, length);
    ctx->pos += length;
}

/* Requests the expansions that keep stored values (see header) and fills the output layout. */
static void wb_setup(png_structp png, png_infop info, wb_png_info *out) {
    png_uint_32 w, h;
    int depth, color, interlace;
    png_get_IHDR(png, info, &w, &h, &depth, &color, &interlace, NULL, NULL);
    out->width = w;
    out->height = h;
    out->bit_depth = depth;
    out->color_type = color;
    out->interlaced = interlace == PNG_INTERLACE_ADAM7;
    out->has_trns = png_get_valid(png, info, PNG_INFO_tRNS) != 0;
    if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (out->has_trns) png_set_tRNS_to_alpha(png);
    if (depth == 16) {
        const uint16_t probe = 1;
        if (*(const unsigned char *)&probe == 1) png_set_swap(png);
    }
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    out->out_channels = png_get_channels(png, info);
    out->out_bytes_per_sample = png_get_bit_depth(png, info) == 16 ? 2 : 1;
    out->out_row_bytes = png_get_rowbytes(png, info);
}

static int wb_status(wb_ctx *ctx) { return ctx->truncated ? WB_PNG_TRUNCATED : WB_PNG_ERROR; }

/* The one reader: stage 0 = IHDR only, 1 = info, 2 = decode into out. */
static int wb_read_png(int stage, const unsigned char *data, size_t size, void *out, size_t out_size,
                       wb_png_info *info_out, char *message, size_t message_size) {
    wb_ctx ctx = {data, size, 0, message, message_size, 0};
    png_structp png = NULL;
    png_infop info = NULL;
    png_bytep *volatile rows = NULL;
    int status = WB_PNG_OK;
    wb_set_message(&ctx, "");
    memset(info_out, 0, sizeof *info_out);
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
        wb_set_message(&ctx, "not a PNG signature");
        return WB_PNG_ERROR;
    }
    png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &ctx, wb_error, wb_warning);
    if (!png) { wb_set_message(&ctx, "out of memory"); return WB_PNG_ERROR; }
    info = png_create_info_struct(png);
    if (!info) {
        png_destroy_read_struct(&png, NULL, NULL);
        wb_set_message(&ctx, "out of memory");
        return WB_PNG_ERROR;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_uint_32 w = png_get_image_width(png, info);
        if (stage == 0 && w > 0) {
            /* IHDR was read and checked; stopping at the next chunk is the point of stage 0. */
            info_out->width = w;
            info_out->height = png_get_image_height(png, info);
            info_out->bit_depth = png_get_bit_depth(png, info);
            info_out->color_type = png_get_color_type(png, info);
            info_out->interlaced = png_get_interlace_type(png, info) == PNG_INTERLACE_ADAM7;
            status = WB_PNG_OK;
            wb_set_message(&ctx, "");
        } else {
            status = wb_status(&ctx);
        }
        free(rows);
        png_destroy_read_struct(&png, &info, NULL);
        return status;
    }
    if (stage == 0) {
        ctx.size = size < 33 ? size : 33; /* signature + IHDR; libpng stops at the next chunk */
    }
    png_set_read_fn(png, &ctx, wb_read);
    png_read_info(png, info);
    wb_setup(png, info, info_out);
    if (stage == 2) {
        if (out_size != (size_t)info_out->height * info_out->out_row_bytes) {
            wb_set_message(&ctx, "output buffer size does not match the image");
            png_destroy_read_struct(&png, &info, NULL);
            return WB_PNG_ERROR;
        }
        rows = malloc(sizeof(png_bytep) * (info_out->height ? info_out->height : 1));
        if (!rows) png_error(png, "out of memory for row pointers");
        for (png_uint_32 y = 0; y < info_out->height; y++)
            rows[y] = (png_bytep)out + (size_t)y * info_out->out_row_bytes;
        png_read_image(png, rows);
        png_read_end(png, NULL);
    }
    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    return status;
}

int wb_png_read_ihdr(const unsigned char *data, size_t size, wb_png_info *info,
                     char *message, size_t message_size) {
    return wb_read_png(0, data, size, NULL, 0, info, message, message_size);
}

int wb_png_read_info(const unsigned char *data, size_t size, wb_png_info *info,
                     char *message, size_t message_size) {
    return wb_read_png(1, data, size, NULL, 0, info, message, message_size);
}

int wb_png_decode(const unsigned char *data, size_t size, void *out, size_t out_size,
                  wb_png_info *info, char *message, size_t message_size) {
    return wb_read_png(2, data, size, out, out_size, info, message, message_size);
}

int wb_png_write_file(const char *path, const wb_png_write_spec *spec, const void *samples,
                      char *message, size_t message_size) {
    wb_ctx ctx = {NULL, 0, 0, message, message_size, 0};
    FILE *volatile file = NULL;
    png_structp png = NULL;
    png_infop info = NULL;
    png_bytep *volatile rows = NULL;
    wb_set_message(&ctx, "");
    file = fopen(path, "wb");
    if (!file) { wb_set_message(&ctx, strerror(errno)); return WB_PNG_ERROR; }
    png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &ctx, wb_error, wb_warning);
    if (png) info = png_create_info_struct(png);
    if (!png || !info) {
        png_destroy_write_struct(&png, NULL);
        fclose(file);
        wb_set_message(&ctx, "out of memory");
        return WB_PNG_ERROR;
    }
    if (setjmp(png_jmpbuf(png))) {
        free(rows);
        png_destroy_write_struct(&png, &info);
        fclose(file);
        return WB_PNG_ERROR;
    }
    png_init_io(png, file);
    if (spec->compression_level >= 0) png_set_compression_level(png, spec->compression_level);
    png_set_IHDR(png, info, spec->width, spec->height, spec->bit_depth, spec->color_type,
                 spec->interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (spec->color_type == PNG_COLOR_TYPE_PALETTE) {
        png_color colors[256];
        for (int i = 0; i < spec->palette_entries && i < 256; i++) {
            colors[i].red = spec->palette[3 * i];
            colors[i].green = spec->palette[3 * i + 1];
            colors[i].blue = spec->palette[3 * i + 2];
        }
        png_set_PLTE(png, info, colors, spec->palette_entries);
        if (spec->palette_alpha_entries > 0)
            png_set_tRNS(png, info, spec->palette_alpha, spec->palette_alpha_entries, NULL);
    } else if (spec->has_trns_color) {
        png_color_16 key = {0, spec->trns_red, spec->trns_green, spec->trns_blue, spec->trns_grey};
        png_set_tRNS(png, info, NULL, 0, &key);
    }
    png_write_info(png, info);
    if (spec->bit_depth < 8) png_set_packing(png);
    if (spec->bit_depth == 16) {
        const uint16_t probe = 1;
        if (*(const unsigned char *)&probe == 1) png_set_swap(png);
    }
    int channels = spec->color_type == PNG_COLOR_TYPE_RGB ? 3
                 : spec->color_type == PNG_COLOR_TYPE_RGB_ALPHA ? 4
                 : spec->color_type == PNG_COLOR_TYPE_GRAY_ALPHA ? 2 : 1;
    size_t stride = (size_t)spec->width * channels * (spec->bit_depth == 16 ? 2 : 1);
    rows = malloc(sizeof(png_bytep) * (spec->height ? spec->height : 1));
    if (!rows) png_error(png, "out of memory for row pointers");
    for (png_uint_32 y = 0; y < spec->height; y++)
        rows[y] = (png_bytep)samples + (size_t)y * stride;
    png_write_image(png, rows);
    png_write_end(png, NULL);
    free(rows);
    png_destroy_write_struct(&png, &info);
    if (fclose(file) != 0) { wb_set_message(&ctx, strerror(errno)); return WB_PNG_ERROR; }
    return WB_PNG_OK;
}
