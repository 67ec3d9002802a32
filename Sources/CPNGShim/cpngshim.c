#include "cpngshim.h"
#include <png.h>
const char *wb_png_libpng_version(void) { return PNG_LIBPNG_VER_STRING; }
