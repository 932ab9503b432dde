/* The firmware version: OTA Bench reads it (otaBench.release.version), the build stamps it into
 * the image, and the board prints it in its boot banner. Bump it before each release. */
#ifndef VERSION_H
#define VERSION_H

#define FW_VERSION "1.4.2"

#endif
