#ifndef VIGIL_CZLIB_SHIM_H
#define VIGIL_CZLIB_SHIM_H
// zlib (Debian zlib1g-dev): inflate of gzip streams (.nii.gz volumes).
#include <zlib.h>

// inflateInit2 is a macro (it passes the library version and the stream size), invisible to Swift:
// wrapped here. windowBits 15 + 32: accept a gzip or a zlib header, detected automatically.
static inline int vigil_inflate_init_auto(z_stream *stream) {
    return inflateInit2(stream, 15 + 32);
}
#endif
