/**
 * @file fuzz_main.c
 * @brief Stand-alone driver for the fuzz targets without libFuzzer: runs LLVMFuzzerTestOneInput
 *        once per file named on the command line (the committed seed corpus, a crash artifact).
 *        `make test` builds the targets with the host compiler and this driver, so the corpus and
 *        the invariants are exercised on every build, with or without clang.
 *
 * Usage: fuzz-<target>-replay FILE...    prints "<target>: N inputs ok"; aborts on a finding.
 */
#include <stdio.h>
#include <stdlib.h>

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    int i, count = 0;
    for (i = 1; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        uint8_t *buf;
        long len;
        if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
            fseek(f, 0, SEEK_SET) != 0) {
            fprintf(stderr, "cannot read %s\n", argv[i]);
            return 2;
        }
        buf = (uint8_t *)malloc(len > 0 ? (size_t)len : 1u);
        if (buf == NULL || fread(buf, 1, (size_t)len, f) != (size_t)len) {
            fprintf(stderr, "cannot read %s\n", argv[i]);
            return 2;
        }
        fclose(f);
        (void)LLVMFuzzerTestOneInput(buf, (size_t)len);
        free(buf);
        count++;
    }
    printf("%s: %d inputs ok\n", argv[0], count);
    return 0;
}
