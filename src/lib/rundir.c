/* rundir.c: see rundir.h. */
#include "lib/rundir.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/util.h"

char *
rundir_resolve(const char *option)
{
    const char *env;

    if (option) {
        return xstrdup(option);
    }
    env = getenv("VXSTACK_RUNDIR");
    if (env && env[0]) {
        return xstrdup(env);
    }
    if (geteuid() == 0) {
        return xstrdup("/run/vxstack");
    }
    env = getenv("XDG_RUNTIME_DIR");
    if (env && env[0] == '/') {
        return xasprintf("%s/vxstack", env);
    }
    return xasprintf("/tmp/vxstack-%lu", (unsigned long) geteuid());
}

char *
rundir_file(const char *rundir, const char *name)
{
    return xasprintf("%s/%s", rundir, name);
}

int
rundir_mkdir_p(const char *path, mode_t mode)
{
    char *copy;
    int error = 0;

    if (!path[0]) {
        return ENOENT;
    }
    copy = xstrdup(path);

    /* Create each ancestor in turn; EEXIST is fine as long as the last
     * component turns out to be a directory. */
    for (char *p = copy + 1; ; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;

            *p = '\0';
            if (mkdir(copy, mode) < 0 && errno != EEXIST) {
                error = errno;
                goto out;
            }
            *p = saved;
            if (!saved) {
                break;
            }
        }
    }

    struct stat st;
    if (stat(path, &st) < 0) {
        error = errno;
    } else if (!S_ISDIR(st.st_mode)) {
        error = ENOTDIR;
    }

out:
    free(copy);
    return error;
}

char *
rundir_abs_path(const char *path)
{
    char cwd[PATH_MAX];

    if (path[0] == '/' || !getcwd(cwd, sizeof cwd)) {
        return xstrdup(path);
    }
    return xasprintf("%s/%s", cwd, path);
}
