/*
 * vsdb-data.h: values of the switch configuration database, in OVSDB's
 * model.
 *
 * Every column holds a "datum": a set of atoms, or a map from atoms to
 * atoms, whose size lies between the column type's n_min and n_max.  A
 * scalar column is a set with exactly one member (n_min = n_max = 1); an
 * optional one has n_min = 0, n_max = 1.  Atoms are integers, booleans,
 * strings or UUIDs (references to rows of another table).  A datum keeps
 * its keys sorted and unique, which gives every set and map one canonical
 * form: two datums are equal exactly when their arrays are.
 *
 * Text forms follow ovs-vsctl (lib/ovsdb-data.c):
 *   - an atom prints bare when it is a plain word (a letter or '_', then
 *     letters, digits, '_', '-' and '.') and is not "true", "false" or a
 *     UUID; otherwise as a JSON string: "172.16.0.11", "0", "true";
 *   - a datum prints as its single atom when the column holds at most one
 *     value and it has one, else as "[a, b]" for sets and "{k=v, k2=v2}"
 *     for maps (sorted by key);
 *   - input accepts the same forms, plus comma-separated lists without
 *     brackets ("OpenFlow10,OpenFlow13").
 * Parsers of user text return a malloc()'d error message (NULL on
 * success) worded as ovs-vsctl's, and leave their output empty on error.
 *
 * The journal stores datums as OVSDB JSON: an atom as itself (a UUID as
 * ["uuid", "..."]), a single-valued set as its atom, other sets as
 * ["set", [...]] and maps as ["map", [[k, v], ...]].
 *
 * Thread safety: none; callers serialise.
 */
#ifndef VX_DAEMON_VSDB_DATA_H
#define VX_DAEMON_VSDB_DATA_H 1

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/util.h"
#include "lib/uuid.h"

struct ds;
struct json_t;

/* The type of an atom. */
enum vsdb_atomic_type {
    VSDB_TYPE_VOID,     /* No value (the value type of a set). */
    VSDB_TYPE_INTEGER,  /* 64-bit signed integer. */
    VSDB_TYPE_BOOLEAN,  /* true or false. */
    VSDB_TYPE_STRING,   /* UTF-8 string. */
    VSDB_TYPE_UUID,     /* Reference to a row. */
};

/* One value of an atomic type. */
union vsdb_atom {
    int64_t integer;    /* VSDB_TYPE_INTEGER. */
    bool boolean;       /* VSDB_TYPE_BOOLEAN. */
    char *string;       /* VSDB_TYPE_STRING, malloc()'d, never NULL. */
    struct uuid uuid;   /* VSDB_TYPE_UUID. */
};

/* An atomic type with its constraints. */
struct vsdb_base_type {
    enum vsdb_atomic_type type;     /* Type of the atoms. */
    int64_t min_integer;            /* Smallest allowed integer. */
    int64_t max_integer;            /* Largest allowed integer. */
    const char *const *enum_values; /* For strings: the allowed values,
                                     * sorted and NULL-terminated, or NULL
                                     * for any string. */
    int ref_table;                  /* For UUIDs: the enum vsdb_table_id of
                                     * the table referred to, or -1. */
};

/* n_max of a column without an upper bound on its number of values. */
#define VSDB_UNLIMITED UINT_MAX

/* The type of a column. */
struct vsdb_type {
    struct vsdb_base_type key;      /* Type of the set members / map
                                     * keys. */
    struct vsdb_base_type value;    /* Type of map values; VOID for sets. */
    unsigned int n_min;             /* Fewest values allowed. */
    unsigned int n_max;             /* Most values, or VSDB_UNLIMITED. */
};

/* A column's value: N keys (sorted, unique) and, for maps, N values. */
struct vsdb_datum {
    unsigned int n;                 /* Number of keys (and values). */
    union vsdb_atom *keys;          /* N keys, or NULL when N is 0. */
    union vsdb_atom *values;        /* N values for maps, else NULL. */
};

static inline bool
vsdb_type_is_map(const struct vsdb_type *type)
{
    return type->value.type != VSDB_TYPE_VOID;
}

/* Returns "integer", "boolean", "string" or "uuid". */
const char *vsdb_atomic_type_name(enum vsdb_atomic_type);

/* Atoms.  TYPE says which member of the union is valid. */
void vsdb_atom_init_default(union vsdb_atom *, enum vsdb_atomic_type);
void vsdb_atom_clone(union vsdb_atom *dst, const union vsdb_atom *src,
                     enum vsdb_atomic_type);
void vsdb_atom_destroy(union vsdb_atom *, enum vsdb_atomic_type);
int vsdb_atom_compare_3way(const union vsdb_atom *, const union vsdb_atom *,
                           enum vsdb_atomic_type);

/* Appends ATOM in the text form described above. */
void vsdb_atom_to_string(const union vsdb_atom *, enum vsdb_atomic_type,
                         struct ds *);

/* Returns true if string S would be quoted by vsdb_atom_to_string(). */
bool vsdb_string_needs_quotes(const char *s);

/* Parses S (a whole token: a bare word or a JSON-quoted string) as an atom
 * of BASE, checking BASE's constraints.  Returns NULL and fills *ATOM, or
 * an error message. */
char *vsdb_atom_from_string(union vsdb_atom *, const struct vsdb_base_type *,
                            const char *s) WARN_UNUSED;

/* Checks ATOM against BASE's constraints; returns NULL or an error
 * message ("constraint violation: ..."). */
char *vsdb_atom_check_constraints(const union vsdb_atom *,
                                  const struct vsdb_base_type *)
    WARN_UNUSED;

/* Datums. */
void vsdb_datum_init_empty(struct vsdb_datum *);

/* Initialises DATUM to TYPE's default: N_MIN default atoms (0, false, "",
 * or the all-zero UUID). */
void vsdb_datum_init_default(struct vsdb_datum *, const struct vsdb_type *);
bool vsdb_datum_is_default(const struct vsdb_datum *,
                           const struct vsdb_type *);
void vsdb_datum_clone(struct vsdb_datum *dst, const struct vsdb_datum *src,
                      const struct vsdb_type *);
void vsdb_datum_destroy(struct vsdb_datum *, const struct vsdb_type *);
void vsdb_datum_swap(struct vsdb_datum *, struct vsdb_datum *);
bool vsdb_datum_equals(const struct vsdb_datum *, const struct vsdb_datum *,
                       const struct vsdb_type *);
int vsdb_datum_compare_3way(const struct vsdb_datum *,
                            const struct vsdb_datum *,
                            const struct vsdb_type *);

/* Returns the index of KEY in DATUM, or UINT_MAX. */
unsigned int vsdb_datum_find_key(const struct vsdb_datum *,
                                 const union vsdb_atom *key,
                                 enum vsdb_atomic_type key_type);

/* Returns the value of string KEY in map DATUM (whose keys and values are
 * strings), or NULL. */
const char *vsdb_datum_get_smap(const struct vsdb_datum *, const char *key);

/* Adds KEY (and VALUE, for maps) to DATUM, taking ownership of the atoms.
 * An existing KEY gets the new VALUE when REPLACE is true; otherwise the
 * new atoms are freed and DATUM is unchanged. */
void vsdb_datum_put(struct vsdb_datum *, union vsdb_atom *key,
                    union vsdb_atom *value, const struct vsdb_type *,
                    bool replace);

/* Removes the member at index IDX. */
void vsdb_datum_remove_at(struct vsdb_datum *, unsigned int idx,
                          const struct vsdb_type *);

/* Adds every member of B to A (for maps, B's value wins when REPLACE). */
void vsdb_datum_union(struct vsdb_datum *a, const struct vsdb_datum *b,
                      const struct vsdb_type *, bool replace);

/* Removes from A every member of B.  If B_TYPE is a set and A's type a
 * map, B lists keys to remove; if both are maps, only pairs whose value
 * matches are removed. */
void vsdb_datum_subtract(struct vsdb_datum *a, const struct vsdb_type *,
                         const struct vsdb_datum *b,
                         const struct vsdb_type *b_type);

/* Sorts DATUM's keys.  Returns NULL, or an error message if two keys are
 * equal (DATUM is left sorted with the duplicates). */
char *vsdb_datum_sort(struct vsdb_datum *, const struct vsdb_type *)
    WARN_UNUSED;

/* Returns NULL if DATUM's size fits TYPE's bounds and every atom its
 * constraints, else an error message. */
char *vsdb_datum_check(const struct vsdb_datum *, const struct vsdb_type *)
    WARN_UNUSED;

/* Appends DATUM in the text form described above. */
void vsdb_datum_to_string(const struct vsdb_datum *,
                          const struct vsdb_type *, struct ds *);

/* Parses S as a value of TYPE (see above).  Returns NULL and fills *DATUM,
 * or an error message (and leaves *DATUM empty). */
char *vsdb_datum_from_string(struct vsdb_datum *, const struct vsdb_type *,
                             const char *s) WARN_UNUSED;

/* Splits the next token off *S: a run of characters up to one of
 * ":=, []{}!<>" outside double quotes, with backslash escaping the next
 * character.  Quotes are kept, so that the token can be passed to
 * vsdb_atom_from_string().  Returns NULL and stores the token (the caller
 * frees it) in *TOKEN and advances *S, or returns an error message. */
char *vsdb_token_parse(const char **s, char **token) WARN_UNUSED;

/* JSON form for the journal.  vsdb_datum_to_json() returns a new
 * reference.  vsdb_datum_from_json() returns NULL and fills *DATUM, or an
 * error message; it checks the type and constraints. */
struct json_t *vsdb_datum_to_json(const struct vsdb_datum *,
                                  const struct vsdb_type *);
char *vsdb_datum_from_json(struct vsdb_datum *, const struct vsdb_type *,
                           const struct json_t *) WARN_UNUSED;

#endif /* VX_DAEMON_VSDB_DATA_H */
