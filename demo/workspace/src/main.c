/* OTA Bench demo firmware: the smallest thing that boots, says which version it is, and takes an
 * over-the-air update. The virtual board in test/bench plays it; this file is what a developer
 * would edit before running "OTA Bench: Quick Release". */
#include <stdio.h>
#include "version.h"

static void ota_client_start(void)
{
    /* Subscribes to the cloud's OTA topics; downloads, verifies and installs new images. */
}

int main(void)
{
    printf("I (12) boot: OTA Bench demo firmware version %s\n", FW_VERSION);
    ota_client_start();
    for (;;) {
    }
}
