#ifndef VIGIL_CPNG_SHIM_H
#define VIGIL_CPNG_SHIM_H
// libpng 1.6 (Debian libpng-dev), simplified API only (the low-level API needs setjmp).
#include <png.h>

// PNG_IMAGE_* size macros are function-like and so invisible to Swift: wrapped here.
static inline size_t vigil_png_image_size(const png_image *image) {
    return PNG_IMAGE_SIZE(*image);
}
static inline int vigil_png_image_row_stride(const png_image *image) {
    return (int)PNG_IMAGE_ROW_STRIDE(*image);
}
static inline int vigil_png_image_failed(const png_image *image) {
    return PNG_IMAGE_FAILED(*image) ? 1 : 0;
}
#endif
