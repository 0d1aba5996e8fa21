/* vsdb-data.c: see vsdb-data.h. */
#include "daemon/vsdb-data.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ds.h"
#include "lib/util.h"

const char *
vsdb_atomic_type_name(enum vsdb_atomic_type type)
{
    switch (type) {
    case VSDB_TYPE_INTEGER:
        return "integer";
    case VSDB_TYPE_BOOLEAN:
        return "boolean";
    case VSDB_TYPE_STRING:
        return "string";
    case VSDB_TYPE_UUID:
        return "uuid";
    case VSDB_TYPE_VOID:
    default:
        return "void";
    }
}

/* Atoms. */

void
vsdb_atom_init_default(union vsdb_atom *atom, enum vsdb_atomic_type type)
{
    switch (type) {
    case VSDB_TYPE_INTEGER:
        atom->integer = 0;
        break;
    case VSDB_TYPE_BOOLEAN:
        atom->boolean = false;
        break;
    case VSDB_TYPE_STRING:
        atom->string = xstrdup("");
        break;
    case VSDB_TYPE_UUID:
        uuid_zero(&atom->uuid);
        break;
    case VSDB_TYPE_VOID:
    default:
        vx_assert(false);
    }
}

static bool
atom_is_default(const union vsdb_atom *atom, enum vsdb_atomic_type type)
{
    switch (type) {
    case VSDB_TYPE_INTEGER:
        return atom->integer == 0;
    case VSDB_TYPE_BOOLEAN:
        return !atom->boolean;
    case VSDB_TYPE_STRING:
        return atom->string[0] == '\0';
    case VSDB_TYPE_UUID:
        return uuid_is_zero(&atom->uuid);
    case VSDB_TYPE_VOID:
    default:
        vx_assert(false);
    }
}

void
vsdb_atom_clone(union vsdb_atom *dst, const union vsdb_atom *src,
                enum vsdb_atomic_type type)
{
    if (type == VSDB_TYPE_STRING) {
        dst->string = xstrdup(src->string);
    } else {
        *dst = *src;
    }
}

void
vsdb_atom_destroy(union vsdb_atom *atom, enum vsdb_atomic_type type)
{
    if (type == VSDB_TYPE_STRING) {
        free(atom->string);
        atom->string = NULL;
    }
}

int
vsdb_atom_compare_3way(const union vsdb_atom *a, const union vsdb_atom *b,
                       enum vsdb_atomic_type type)
{
    switch (type) {
    case VSDB_TYPE_INTEGER:
        return a->integer < b->integer ? -1 : a->integer > b->integer;
    case VSDB_TYPE_BOOLEAN:
        return (int) a->boolean - (int) b->boolean;
    case VSDB_TYPE_STRING:
        return strcmp(a->string, b->string);
    case VSDB_TYPE_UUID:
        return uuid_compare_3way(&a->uuid, &b->uuid);
    case VSDB_TYPE_VOID:
    default:
        vx_assert(false);
    }
}

bool
vsdb_string_needs_quotes(const char *s)
{
    const unsigned char *p = (const unsigned char *) s;
    struct uuid uuid;

    if (!isalpha(*p) && *p != '_') {
        return true;
    }
    for (p++; *p; p++) {
        if (!isalnum(*p) && *p != '_' && *p != '-' && *p != '.') {
            return true;
        }
    }
    return !strcmp(s, "true") || !strcmp(s, "false")
           || uuid_from_string(&uuid, s);
}

void
vsdb_atom_to_string(const union vsdb_atom *atom, enum vsdb_atomic_type type,
                    struct ds *out)
{
    switch (type) {
    case VSDB_TYPE_INTEGER:
        ds_put_format(out, "%" PRId64, atom->integer);
        break;
    case VSDB_TYPE_BOOLEAN:
        ds_put_cstr(out, atom->boolean ? "true" : "false");
        break;
    case VSDB_TYPE_STRING:
        if (vsdb_string_needs_quotes(atom->string)) {
            ds_put_json_string(out, atom->string);
        } else {
            ds_put_cstr(out, atom->string);
        }
        break;
    case VSDB_TYPE_UUID:
        uuid_format(out, &atom->uuid);
        break;
    case VSDB_TYPE_VOID:
    default:
        vx_assert(false);
    }
}

/* Formats the allowed values of BASE as a sorted datum, "[a, b]". */
static void
put_enum_values(struct ds *out, const struct vsdb_base_type *base)
{
    ds_put_char(out, '[');
    for (size_t i = 0; base->enum_values[i]; i++) {
        union vsdb_atom atom = { .string = (char *) base->enum_values[i] };

        if (i) {
            ds_put_cstr(out, ", ");
        }
        vsdb_atom_to_string(&atom, VSDB_TYPE_STRING, out);
    }
    ds_put_char(out, ']');
}

char *
vsdb_atom_check_constraints(const union vsdb_atom *atom,
                            const struct vsdb_base_type *base)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    if (base->type == VSDB_TYPE_INTEGER) {
        int64_t x = atom->integer;

        if (x >= base->min_integer && x <= base->max_integer) {
            return NULL;
        }
        if (base->max_integer == INT64_MAX) {
            return xasprintf("constraint violation: %" PRId64 " is less "
                             "than minimum allowed value %" PRId64, x,
                             base->min_integer);
        } else if (base->min_integer == INT64_MIN) {
            return xasprintf("constraint violation: %" PRId64 " is greater "
                             "than maximum allowed value %" PRId64, x,
                             base->max_integer);
        }
        return xasprintf("constraint violation: %" PRId64 " is not in the "
                         "valid range %" PRId64 " to %" PRId64
                         " (inclusive)", x, base->min_integer,
                         base->max_integer);
    } else if (base->type == VSDB_TYPE_STRING && base->enum_values) {
        for (size_t i = 0; base->enum_values[i]; i++) {
            if (!strcmp(atom->string, base->enum_values[i])) {
                return NULL;
            }
        }
        ds_put_cstr(&s, "constraint violation: ");
        vsdb_atom_to_string(atom, VSDB_TYPE_STRING, &s);
        ds_put_cstr(&s, " is not one of the allowed values (");
        put_enum_values(&s, base);
        ds_put_char(&s, ')');
        return ds_steal_cstr(&s);
    }
    return NULL;
}

/* Decodes the JSON string literal S (with its quotes) into *OUT. */
static char *
unquote_string(const char *s, char **out)
{
    size_t len = strlen(s);
    json_error_t jerror;
    json_t *json;

    *out = NULL;
    if (len < 2 || s[len - 1] != '"') {
        return xasprintf("%s: missing quote at end of quoted string", s);
    }
    json = json_loads(s, JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK, &jerror);
    if (!json || !json_is_string(json)) {
        json_decref(json);
        return xasprintf("%s: bad quoted string (%s)", s, jerror.text);
    }
    if (strlen(json_string_value(json)) != json_string_length(json)) {
        json_decref(json);
        return xasprintf("%s: quoted string contains a null byte", s);
    }
    *out = xstrdup(json_string_value(json));
    json_decref(json);
    return NULL;
}

char *
vsdb_atom_from_string(union vsdb_atom *atom,
                      const struct vsdb_base_type *base, const char *s)
{
    char *error;

    switch (base->type) {
    case VSDB_TYPE_INTEGER: {
        char *end;

        errno = 0;
        long long int x = strtoll(s, &end, 10);
        if (!s[0] || *end || errno || isspace((unsigned char) s[0])) {
            return xasprintf("\"%s\" is not a valid integer or range", s);
        }
        atom->integer = x;
        break;
    }
    case VSDB_TYPE_BOOLEAN:
        if (!strcmp(s, "true")) {
            atom->boolean = true;
        } else if (!strcmp(s, "false")) {
            atom->boolean = false;
        } else {
            return xasprintf("\"%s\" is not a valid boolean (use \"true\" "
                             "or \"false\")", s);
        }
        break;
    case VSDB_TYPE_STRING:
        if (!s[0]) {
            return xstrdup("An empty string is not valid as input; use "
                           "\"\" to represent the empty string");
        } else if (s[0] == '"') {
            error = unquote_string(s, &atom->string);
            if (error) {
                return error;
            }
        } else {
            atom->string = xstrdup(s);
        }
        break;
    case VSDB_TYPE_UUID:
        if (!uuid_from_string(&atom->uuid, s)) {
            return xasprintf("\"%s\" is not a valid UUID", s);
        }
        break;
    case VSDB_TYPE_VOID:
    default:
        vx_assert(false);
    }

    error = vsdb_atom_check_constraints(atom, base);
    if (error) {
        vsdb_atom_destroy(atom, base->type);
    }
    return error;
}

/* Datums. */

void
vsdb_datum_init_empty(struct vsdb_datum *datum)
{
    datum->n = 0;
    datum->keys = NULL;
    datum->values = NULL;
}

void
vsdb_datum_init_default(struct vsdb_datum *datum,
                        const struct vsdb_type *type)
{
    vsdb_datum_init_empty(datum);
    if (type->n_min) {
        datum->n = type->n_min;
        datum->keys = xcalloc(datum->n, sizeof *datum->keys);
        for (unsigned int i = 0; i < datum->n; i++) {
            vsdb_atom_init_default(&datum->keys[i], type->key.type);
        }
        if (vsdb_type_is_map(type)) {
            datum->values = xcalloc(datum->n, sizeof *datum->values);
            for (unsigned int i = 0; i < datum->n; i++) {
                vsdb_atom_init_default(&datum->values[i], type->value.type);
            }
        }
    }
}

bool
vsdb_datum_is_default(const struct vsdb_datum *datum,
                      const struct vsdb_type *type)
{
    if (datum->n != type->n_min) {
        return false;
    }
    for (unsigned int i = 0; i < datum->n; i++) {
        if (!atom_is_default(&datum->keys[i], type->key.type)
            || (vsdb_type_is_map(type)
                && !atom_is_default(&datum->values[i], type->value.type))) {
            return false;
        }
    }
    return true;
}

static union vsdb_atom *
clone_atoms(const union vsdb_atom *src, unsigned int n,
            enum vsdb_atomic_type type)
{
    union vsdb_atom *dst;

    if (!n || type == VSDB_TYPE_VOID) {
        return NULL;
    }
    dst = xmalloc(n * sizeof *dst);
    for (unsigned int i = 0; i < n; i++) {
        vsdb_atom_clone(&dst[i], &src[i], type);
    }
    return dst;
}

void
vsdb_datum_clone(struct vsdb_datum *dst, const struct vsdb_datum *src,
                 const struct vsdb_type *type)
{
    dst->n = src->n;
    dst->keys = clone_atoms(src->keys, src->n, type->key.type);
    dst->values = clone_atoms(src->values, src->n, type->value.type);
}

static void
free_atoms(union vsdb_atom *atoms, unsigned int n,
           enum vsdb_atomic_type type)
{
    if (atoms && type == VSDB_TYPE_STRING) {
        for (unsigned int i = 0; i < n; i++) {
            free(atoms[i].string);
        }
    }
    free(atoms);
}

void
vsdb_datum_destroy(struct vsdb_datum *datum, const struct vsdb_type *type)
{
    free_atoms(datum->keys, datum->n, type->key.type);
    free_atoms(datum->values, datum->n, type->value.type);
    vsdb_datum_init_empty(datum);
}

void
vsdb_datum_swap(struct vsdb_datum *a, struct vsdb_datum *b)
{
    struct vsdb_datum tmp = *a;

    *a = *b;
    *b = tmp;
}

int
vsdb_datum_compare_3way(const struct vsdb_datum *a,
                        const struct vsdb_datum *b,
                        const struct vsdb_type *type)
{
    if (a->n != b->n) {
        return a->n < b->n ? -1 : 1;
    }
    for (unsigned int i = 0; i < a->n; i++) {
        int cmp = vsdb_atom_compare_3way(&a->keys[i], &b->keys[i],
                                         type->key.type);
        if (cmp) {
            return cmp;
        }
    }
    if (vsdb_type_is_map(type)) {
        for (unsigned int i = 0; i < a->n; i++) {
            int cmp = vsdb_atom_compare_3way(&a->values[i], &b->values[i],
                                             type->value.type);
            if (cmp) {
                return cmp;
            }
        }
    }
    return 0;
}

bool
vsdb_datum_equals(const struct vsdb_datum *a, const struct vsdb_datum *b,
                  const struct vsdb_type *type)
{
    return !vsdb_datum_compare_3way(a, b, type);
}

/* Returns the index at which KEY is or would be inserted; sets *FOUND. */
static unsigned int
datum_bsearch(const struct vsdb_datum *datum, const union vsdb_atom *key,
              enum vsdb_atomic_type key_type, bool *found)
{
    unsigned int lo = 0, hi = datum->n;

    while (lo < hi) {
        unsigned int mid = lo + (hi - lo) / 2;
        int cmp = vsdb_atom_compare_3way(&datum->keys[mid], key, key_type);

        if (!cmp) {
            *found = true;
            return mid;
        } else if (cmp < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    *found = false;
    return lo;
}

unsigned int
vsdb_datum_find_key(const struct vsdb_datum *datum,
                    const union vsdb_atom *key,
                    enum vsdb_atomic_type key_type)
{
    bool found;
    unsigned int idx = datum_bsearch(datum, key, key_type, &found);

    return found ? idx : UINT_MAX;
}

const char *
vsdb_datum_get_smap(const struct vsdb_datum *datum, const char *key)
{
    union vsdb_atom atom = { .string = (char *) key };
    unsigned int idx = vsdb_datum_find_key(datum, &atom, VSDB_TYPE_STRING);

    return idx == UINT_MAX ? NULL : datum->values[idx].string;
}

void
vsdb_datum_put(struct vsdb_datum *datum, union vsdb_atom *key,
               union vsdb_atom *value, const struct vsdb_type *type,
               bool replace)
{
    bool is_map = vsdb_type_is_map(type);
    bool found;
    unsigned int idx = datum_bsearch(datum, key, type->key.type, &found);

    if (found) {
        vsdb_atom_destroy(key, type->key.type);
        if (is_map) {
            if (replace) {
                vsdb_atom_destroy(&datum->values[idx], type->value.type);
                datum->values[idx] = *value;
            } else {
                vsdb_atom_destroy(value, type->value.type);
            }
        }
        return;
    }
    datum->keys = xrealloc(datum->keys, (datum->n + 1) * sizeof *datum->keys);
    memmove(&datum->keys[idx + 1], &datum->keys[idx],
            (datum->n - idx) * sizeof *datum->keys);
    datum->keys[idx] = *key;
    if (is_map) {
        datum->values = xrealloc(datum->values,
                                 (datum->n + 1) * sizeof *datum->values);
        memmove(&datum->values[idx + 1], &datum->values[idx],
                (datum->n - idx) * sizeof *datum->values);
        datum->values[idx] = *value;
    }
    datum->n++;
}

void
vsdb_datum_remove_at(struct vsdb_datum *datum, unsigned int idx,
                     const struct vsdb_type *type)
{
    vx_assert(idx < datum->n);
    vsdb_atom_destroy(&datum->keys[idx], type->key.type);
    memmove(&datum->keys[idx], &datum->keys[idx + 1],
            (datum->n - idx - 1) * sizeof *datum->keys);
    if (vsdb_type_is_map(type)) {
        vsdb_atom_destroy(&datum->values[idx], type->value.type);
        memmove(&datum->values[idx], &datum->values[idx + 1],
                (datum->n - idx - 1) * sizeof *datum->values);
    }
    datum->n--;
    if (!datum->n) {
        free(datum->keys);
        free(datum->values);
        vsdb_datum_init_empty(datum);
    }
}

void
vsdb_datum_union(struct vsdb_datum *a, const struct vsdb_datum *b,
                 const struct vsdb_type *type, bool replace)
{
    for (unsigned int i = 0; i < b->n; i++) {
        union vsdb_atom key, value;

        vsdb_atom_clone(&key, &b->keys[i], type->key.type);
        if (vsdb_type_is_map(type)) {
            vsdb_atom_clone(&value, &b->values[i], type->value.type);
        }
        vsdb_datum_put(a, &key, &value, type, replace);
    }
}

void
vsdb_datum_subtract(struct vsdb_datum *a, const struct vsdb_type *a_type,
                    const struct vsdb_datum *b,
                    const struct vsdb_type *b_type)
{
    bool pairs = vsdb_type_is_map(a_type) && vsdb_type_is_map(b_type);

    for (unsigned int i = 0; i < b->n; i++) {
        unsigned int idx = vsdb_datum_find_key(a, &b->keys[i],
                                               a_type->key.type);

        if (idx == UINT_MAX) {
            continue;
        }
        if (pairs && vsdb_atom_compare_3way(&a->values[idx], &b->values[i],
                                            a_type->value.type)) {
            continue;
        }
        vsdb_datum_remove_at(a, idx, a_type);
    }
}

/* Sorting: keys and values move together, so sort an array of pairs. */
struct atom_pair {
    union vsdb_atom key;        /* Key. */
    union vsdb_atom value;      /* Value (maps only). */
};

static int
compare_pairs(const void *a_, const void *b_, void *type_)
{
    const struct atom_pair *a = a_, *b = b_;
    const enum vsdb_atomic_type *type = type_;

    return vsdb_atom_compare_3way(&a->key, &b->key, *type);
}

char *
vsdb_datum_sort(struct vsdb_datum *datum, const struct vsdb_type *type)
{
    bool is_map = vsdb_type_is_map(type);
    enum vsdb_atomic_type key_type = type->key.type;
    struct atom_pair *pairs;

    if (datum->n < 2) {
        return NULL;
    }
    pairs = xmalloc(datum->n * sizeof *pairs);
    for (unsigned int i = 0; i < datum->n; i++) {
        pairs[i].key = datum->keys[i];
        if (is_map) {
            pairs[i].value = datum->values[i];
        }
    }
    qsort_r(pairs, datum->n, sizeof *pairs, compare_pairs, &key_type);
    for (unsigned int i = 0; i < datum->n; i++) {
        datum->keys[i] = pairs[i].key;
        if (is_map) {
            datum->values[i] = pairs[i].value;
        }
    }
    free(pairs);

    for (unsigned int i = 1; i < datum->n; i++) {
        if (!vsdb_atom_compare_3way(&datum->keys[i - 1], &datum->keys[i],
                                    key_type)) {
            return xstrdup(is_map ? "map contains duplicate key"
                                  : "set contains duplicate value");
        }
    }
    return NULL;
}

char *
vsdb_datum_check(const struct vsdb_datum *datum,
                 const struct vsdb_type *type)
{
    if (datum->n < type->n_min) {
        return xasprintf("%u value(s) specified but the minimum number is "
                         "%u", datum->n, type->n_min);
    }
    if (datum->n > type->n_max) {
        return xasprintf("%u value(s) specified but the maximum number is "
                         "%u", datum->n, type->n_max);
    }
    for (unsigned int i = 0; i < datum->n; i++) {
        char *error = vsdb_atom_check_constraints(&datum->keys[i],
                                                  &type->key);
        if (!error && vsdb_type_is_map(type)) {
            error = vsdb_atom_check_constraints(&datum->values[i],
                                                &type->value);
        }
        if (error) {
            return error;
        }
        if (i && vsdb_atom_compare_3way(&datum->keys[i - 1],
                                        &datum->keys[i],
                                        type->key.type) >= 0) {
            return xstrdup("datum is not sorted or has duplicate keys");
        }
    }
    return NULL;
}

void
vsdb_datum_to_string(const struct vsdb_datum *datum,
                     const struct vsdb_type *type, struct ds *out)
{
    bool is_map = vsdb_type_is_map(type);
    bool brackets = type->n_max > 1 || !datum->n;

    if (brackets) {
        ds_put_char(out, is_map ? '{' : '[');
    }
    for (unsigned int i = 0; i < datum->n; i++) {
        if (i) {
            ds_put_cstr(out, ", ");
        }
        vsdb_atom_to_string(&datum->keys[i], type->key.type, out);
        if (is_map) {
            ds_put_char(out, '=');
            vsdb_atom_to_string(&datum->values[i], type->value.type, out);
        }
    }
    if (brackets) {
        ds_put_char(out, is_map ? '}' : ']');
    }
}

static bool
is_token_delim(unsigned char c)
{
    return c && strchr(":=, []{}!<>", c) != NULL;
}

char *
vsdb_token_parse(const char **s, char **token)
{
    struct ds out = DS_EMPTY_INITIALIZER;
    bool in_quotes = false;
    const char *p;

    for (p = *s; *p; ) {
        unsigned char c = *p++;

        if (c == '\\') {
            if (in_quotes) {
                ds_put_char(&out, '\\');
            }
            if (!*p) {
                ds_destroy(&out);
                *token = NULL;
                return xasprintf("%s: backslash at end of argument", *s);
            }
            ds_put_char(&out, *p++);
        } else if (!in_quotes && is_token_delim(c)) {
            p--;
            break;
        } else {
            ds_put_char(&out, (char) c);
            if (c == '"') {
                in_quotes = !in_quotes;
            }
        }
    }
    if (in_quotes) {
        ds_destroy(&out);
        *token = NULL;
        return xasprintf("%s: quoted string extends past end of argument",
                         *s);
    }
    *token = ds_steal_cstr(&out);
    if (!*token) {
        *token = xstrdup("");
    }
    *s = p;
    return NULL;
}

static const char *
skip_spaces(const char *p)
{
    while (isspace((unsigned char) *p)) {
        p++;
    }
    return p;
}

/* Parses the next token at *P as an atom of BASE. */
static char *
parse_atom_token(const char **p, const struct vsdb_base_type *base,
                 union vsdb_atom *atom)
{
    char *token;
    char *error = vsdb_token_parse(p, &token);

    if (!error) {
        error = vsdb_atom_from_string(atom, base, token);
        free(token);
    }
    return error;
}

/* Most integers one "A-B" range may stand for. */
#define MAX_RANGE_SIZE 4096

/* Appends KEY to the unsorted set DATUM. */
static void
append_key(struct vsdb_datum *datum, const union vsdb_atom *key)
{
    datum->keys = xrealloc(datum->keys, (datum->n + 1) * sizeof *datum->keys);
    datum->keys[datum->n++] = *key;
}

/* Parses the next token at *P, an integer or a range "A-B" of integers
 * of BASE, and appends them to the unsorted set DATUM. */
static char *
parse_integer_token(const char **p, const struct vsdb_base_type *base,
                    struct vsdb_datum *datum)
{
    const char *dash;
    char *token, *error;

    error = vsdb_token_parse(p, &token);
    if (error) {
        return error;
    }
    dash = token[0] ? strchr(token + 1, '-') : NULL;
    if (dash) {
        char *first = xstrndup(token, (size_t) (dash - token));
        union vsdb_atom start, end;

        error = vsdb_atom_from_string(&start, base, first);
        if (!error) {
            error = vsdb_atom_from_string(&end, base, dash + 1);
        }
        free(first);
        if (error && str_has_prefix(error, "\"")) {
            /* Not two integers: report the whole token. */
            free(error);
            error = xasprintf("\"%s\" is not a valid integer or range",
                              token);
        } else if (!error && end.integer < start.integer) {
            error = xasprintf("\"%s\" is not a valid range. Range end "
                              "cannot be before start.", token);
        } else if (!error
                   && end.integer - start.integer >= MAX_RANGE_SIZE) {
            error = xasprintf("Range \"%s\" is too big (at most %d "
                              "values)", token, MAX_RANGE_SIZE);
        }
        if (!error) {
            for (int64_t x = start.integer; ; x++) {
                union vsdb_atom atom = { .integer = x };

                append_key(datum, &atom);
                if (x == end.integer) {
                    break;
                }
            }
        }
    } else {
        union vsdb_atom atom;

        error = vsdb_atom_from_string(&atom, base, token);
        if (!error) {
            append_key(datum, &atom);
        }
    }
    free(token);
    return error;
}

char *
vsdb_datum_from_string(struct vsdb_datum *datum,
                       const struct vsdb_type *type, const char *s)
{
    bool is_map = vsdb_type_is_map(type);
    const char *p = skip_spaces(s);
    char end_delim = '\0';
    char *error;

    vsdb_datum_init_empty(datum);
    if (*p == (is_map ? '{' : '[')) {
        end_delim = is_map ? '}' : ']';
        p = skip_spaces(p + 1);
    } else if (!*p) {
        return xstrdup(is_map ? "use \"{}\" to specify the empty map"
                              : "use \"[]\" to specify the empty set");
    }

    while (*p && *p != end_delim) {
        union vsdb_atom key, value;

        if (is_token_delim((unsigned char) *p)) {
            error = xasprintf("%s: unexpected \"%c\" parsing %s", s, *p,
                              is_map ? "map" : "set");
            goto error;
        }
        if (!is_map && type->key.type == VSDB_TYPE_INTEGER) {
            error = parse_integer_token(&p, &type->key, datum);
            if (error) {
                goto error;
            }
            p = skip_spaces(p);
            if (*p == ',') {
                p = skip_spaces(p + 1);
            }
            continue;
        }
        error = parse_atom_token(&p, &type->key, &key);
        if (error) {
            goto error;
        }
        if (is_map) {
            p = skip_spaces(p);
            if (*p != '=') {
                vsdb_atom_destroy(&key, type->key.type);
                error = xasprintf("%s: missing \"=\" after map key", s);
                goto error;
            }
            p = skip_spaces(p + 1);
            error = parse_atom_token(&p, &type->value, &value);
            if (error) {
                vsdb_atom_destroy(&key, type->key.type);
                goto error;
            }
        }

        /* Append unsorted; sorting below also finds duplicates. */
        datum->keys = xrealloc(datum->keys,
                               (datum->n + 1) * sizeof *datum->keys);
        datum->keys[datum->n] = key;
        if (is_map) {
            datum->values = xrealloc(datum->values,
                                     (datum->n + 1) * sizeof *datum->values);
            datum->values[datum->n] = value;
        }
        datum->n++;

        p = skip_spaces(p);
        if (*p == ',') {
            p = skip_spaces(p + 1);
        }
    }
    if (end_delim) {
        if (*p != end_delim) {
            error = xasprintf("%s: missing \"%c\" at end of data", s,
                              end_delim);
            goto error;
        }
        p = skip_spaces(p + 1);
    }
    if (*p) {
        error = xasprintf("%s: trailing garbage after %s", s,
                          is_map ? "map" : "set");
        goto error;
    }

    error = vsdb_datum_sort(datum, type);
    if (error) {
        char *msg = xasprintf("%s: %s", s, error);

        free(error);
        error = msg;
        goto error;
    }
    if (datum->n < type->n_min || datum->n > type->n_max) {
        error = xasprintf("%s: %u value(s) specified but the %s number is "
                          "%u", s, datum->n,
                          datum->n < type->n_min ? "minimum" : "maximum",
                          datum->n < type->n_min ? type->n_min
                                                 : type->n_max);
        goto error;
    }
    return NULL;

error:
    vsdb_datum_destroy(datum, type);
    return error;
}

/* JSON. */

static json_t *
atom_to_json(const union vsdb_atom *atom, enum vsdb_atomic_type type)
{
    switch (type) {
    case VSDB_TYPE_INTEGER:
        return json_integer(atom->integer);
    case VSDB_TYPE_BOOLEAN:
        return json_boolean(atom->boolean);
    case VSDB_TYPE_STRING:
        return json_string(atom->string);
    case VSDB_TYPE_UUID: {
        struct ds s = DS_EMPTY_INITIALIZER;
        json_t *json;

        uuid_format(&s, &atom->uuid);
        json = json_pack("[ss]", "uuid", ds_cstr(&s));
        ds_destroy(&s);
        return json;
    }
    case VSDB_TYPE_VOID:
    default:
        vx_assert(false);
    }
}

json_t *
vsdb_datum_to_json(const struct vsdb_datum *datum,
                   const struct vsdb_type *type)
{
    json_t *elems;

    if (vsdb_type_is_map(type)) {
        elems = json_array();
        for (unsigned int i = 0; i < datum->n; i++) {
            json_array_append_new(
                elems, json_pack("[oo]",
                                 atom_to_json(&datum->keys[i],
                                              type->key.type),
                                 atom_to_json(&datum->values[i],
                                              type->value.type)));
        }
        return json_pack("[so]", "map", elems);
    }
    if (datum->n == 1) {
        return atom_to_json(&datum->keys[0], type->key.type);
    }
    elems = json_array();
    for (unsigned int i = 0; i < datum->n; i++) {
        json_array_append_new(elems,
                              atom_to_json(&datum->keys[i], type->key.type));
    }
    return json_pack("[so]", "set", elems);
}

static char *
atom_from_json(union vsdb_atom *atom, const struct vsdb_base_type *base,
               const json_t *json)
{
    switch (base->type) {
    case VSDB_TYPE_INTEGER:
        if (!json_is_integer(json)) {
            return xstrdup("expected integer");
        }
        atom->integer = json_integer_value(json);
        break;
    case VSDB_TYPE_BOOLEAN:
        if (!json_is_boolean(json)) {
            return xstrdup("expected boolean");
        }
        atom->boolean = json_is_true(json);
        break;
    case VSDB_TYPE_STRING:
        if (!json_is_string(json)) {
            return xstrdup("expected string");
        }
        if (strlen(json_string_value(json)) != json_string_length(json)) {
            return xstrdup("string contains a null byte");
        }
        atom->string = xstrdup(json_string_value(json));
        break;
    case VSDB_TYPE_UUID: {
        const json_t *tag = json_array_get(json, 0);
        const json_t *value = json_array_get(json, 1);

        if (json_array_size(json) != 2 || !json_is_string(tag)
            || strcmp(json_string_value(tag), "uuid")
            || !json_is_string(value)
            || !uuid_from_string(&atom->uuid, json_string_value(value))) {
            return xstrdup("expected [\"uuid\", <uuid>]");
        }
        break;
    }
    case VSDB_TYPE_VOID:
    default:
        vx_assert(false);
    }

    char *error = vsdb_atom_check_constraints(atom, base);
    if (error) {
        vsdb_atom_destroy(atom, base->type);
    }
    return error;
}

/* Returns true if JSON is ["TAG", [...]]; stores the inner array. */
static bool
is_tagged_array(const json_t *json, const char *tag, const json_t **inner)
{
    const json_t *name = json_array_get(json, 0);

    *inner = json_array_get(json, 1);
    return json_array_size(json) == 2 && json_is_string(name)
           && !strcmp(json_string_value(name), tag)
           && json_is_array(*inner);
}

char *
vsdb_datum_from_json(struct vsdb_datum *datum, const struct vsdb_type *type,
                     const json_t *json)
{
    bool is_map = vsdb_type_is_map(type);
    const json_t *elems;
    size_t n;
    char *error;

    vsdb_datum_init_empty(datum);
    if (is_map) {
        if (!is_tagged_array(json, "map", &elems)) {
            return xstrdup("expected [\"map\", [...]]");
        }
    } else if (!is_tagged_array(json, "set", &elems)) {
        /* A single atom. */
        union vsdb_atom atom;

        error = atom_from_json(&atom, &type->key, json);
        if (error) {
            return error;
        }
        datum->n = 1;
        datum->keys = xmemdup(&atom, sizeof atom);
        goto check;
    }

    n = json_array_size(elems);
    if (n > type->n_max) {
        return xasprintf("%zu values but at most %u allowed", n,
                         type->n_max);
    }
    for (size_t i = 0; i < n; i++) {
        const json_t *elem = json_array_get(elems, i);
        union vsdb_atom key, value;

        if (is_map) {
            if (json_array_size(elem) != 2) {
                error = xstrdup("expected [key, value] pair");
                goto error;
            }
            error = atom_from_json(&key, &type->key,
                                   json_array_get(elem, 0));
            if (error) {
                goto error;
            }
            error = atom_from_json(&value, &type->value,
                                   json_array_get(elem, 1));
            if (error) {
                vsdb_atom_destroy(&key, type->key.type);
                goto error;
            }
        } else {
            error = atom_from_json(&key, &type->key, elem);
            if (error) {
                goto error;
            }
        }
        datum->keys = xrealloc(datum->keys,
                               (datum->n + 1) * sizeof *datum->keys);
        datum->keys[datum->n] = key;
        if (is_map) {
            datum->values = xrealloc(datum->values,
                                     (datum->n + 1) * sizeof *datum->values);
            datum->values[datum->n] = value;
        }
        datum->n++;
    }
    error = vsdb_datum_sort(datum, type);
    if (error) {
        goto error;
    }

check:
    error = vsdb_datum_check(datum, type);
    if (error) {
        goto error;
    }
    return NULL;

error:
    vsdb_datum_destroy(datum, type);
    return error;
}
