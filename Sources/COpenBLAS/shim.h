#ifndef VIGIL_COPENBLAS_SHIM_H
#define VIGIL_COPENBLAS_SHIM_H
// CBLAS from Debian's libopenblas-dev (OpenBLAS 0.3.x, pthread build).
#include <cblas.h>
// OpenBLAS threading control (declared in OpenBLAS's cblas.h as well; repeated here for clarity).
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
#endif
