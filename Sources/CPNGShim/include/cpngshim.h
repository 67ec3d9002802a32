#ifndef CPNGSHIM_H
#define CPNGSHIM_H
/* A very small boundary around libpng: every libpng call runs under setjmp here, so libpng's
 * longjmp-based errors come back as a status code and a message, never unwind Swift frames. */
const char *wb_png_libpng_version(void);
#endif
