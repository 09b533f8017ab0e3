#ifndef VIGIL_COPENJPEG_SHIM_H
#define VIGIL_COPENJPEG_SHIM_H
// OpenJPEG 2.5 (Debian libopenjp2-7-dev): JPEG 2000 decoding from memory through opj_stream callbacks.
#include <openjpeg.h>
#endif
