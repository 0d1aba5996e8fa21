/*
 * replay.c: runs every file in the directories given on the command line
 * through LLVMFuzzerTestOneInput() once, so fuzz corpora and crashers are
 * regression tests in every build (sanitizers catch what libFuzzer
 * would).  Prints the harness summary line.  A missing directory is
 * fine (no corpus yet); an empty set of inputs is reported as skipped.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf;
    long len;

    if (!f) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return 1;
    }
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc(len > 0 ? (size_t) len : 1);
    if (!buf || (len > 0 && fread(buf, 1, (size_t) len, f) != (size_t) len)) {
        fprintf(stderr, "%s: read failed\n", path);
        fclose(f);
        free(buf);
        return 1;
    }
    fclose(f);
    LLVMFuzzerTestOneInput(buf, (size_t) len);
    free(buf);
    return 0;
}

int
main(int argc, char *argv[])
{
    int n = 0, failed = 0;

    for (int i = 1; i < argc; i++) {
        DIR *dir = opendir(argv[i]);
        struct dirent *de;

        if (!dir) {
            continue;
        }
        while ((de = readdir(dir))) {
            char path[4096];
            struct stat st;

            if (de->d_name[0] == '.') {
                continue;
            }
            snprintf(path, sizeof path, "%s/%s", argv[i], de->d_name);
            if (stat(path, &st) || !S_ISREG(st.st_mode)) {
                continue;
            }
            failed += replay_file(path);
            n++;
        }
        closedir(dir);
    }
    /* Reaching here means no input crashed the target. */
    printf("replayed %d inputs\n", n);
    printf("%d passed, %d failed, %d skipped\n", n && !failed ? 1 : 0,
           failed ? 1 : 0, n || failed ? 0 : 1);
    return failed ? 1 : 0;
}
