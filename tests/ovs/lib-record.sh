#!/bin/bash
# Helpers for record-all.sh: transcripts of OVS commands.
#
# A transcript file is a sequence of blocks.  Each block starts with one
# line "$ COMMAND" (the command exactly as run, shell-quoted) followed by
# the command's standard output, byte for byte.  If the output does not end
# with a newline, the line "\ No newline at end of output" follows it (the
# diff convention).  No OVS output line starts with "$ ".
#
# errors.txt uses a stricter block format, see rec_err.

# Prints its arguments as one shell command line: words made only of
# [-A-Za-z0-9_./:=,@%+] stay bare, others are single-quoted.
rec_quote() {
    local out="" a
    for a in "$@"; do
        if [[ $a =~ ^[-A-Za-z0-9_./:=,@%+]+$ ]]; then
            out+=" $a"
        else
            out+=" '${a//\'/\'\\\'\'}'"
        fi
    done
    printf '%s' "${out# }"
}

# Appends the contents of file OUT to transcript FILE, marking a missing
# final newline.
rec__append() {
    local file=$1 out=$2
    cat "$out" >> "$file"
    if [ -s "$out" ] && [ -n "$(tail -c1 "$out")" ]; then
        printf '\n\\ No newline at end of output\n' >> "$file"
    fi
}

# rec FILE COMMAND...: runs COMMAND and appends "$ COMMAND" and its stdout
# to FILE.  A failing command (nonzero exit) aborts the whole recording.
# Anything on stderr is shown on the terminal, not recorded.
rec() {
    local file=$1 tmp rc
    shift
    tmp=$(mktemp)
    printf '$ %s\n' "$(rec_quote "$@")" >> "$file"
    "$@" > "$tmp" 2> "$tmp.err"
    rc=$?
    if [ $rc != 0 ]; then
        echo "record: command failed (exit $rc): $(rec_quote "$@")" >&2
        cat "$tmp.err" >&2
        rm -f "$tmp" "$tmp.err"
        exit 1
    fi
    if [ -s "$tmp.err" ]; then
        sed 's/^/record: stderr: /' "$tmp.err" >&2
    fi
    rec__append "$file" "$tmp"
    rm -f "$tmp" "$tmp.err"
}

# rec_shown FILE SHOWN -- COMMAND...: like rec, but the header shows SHOWN
# (used when COMMAND reads stdin from a file or needs a wrapper).
rec_shown() {
    local file=$1 shown=$2 tmp rc
    shift 3
    tmp=$(mktemp)
    printf '$ %s\n' "$shown" >> "$file"
    "$@" > "$tmp" 2> "$tmp.err"
    rc=$?
    if [ $rc != 0 ]; then
        echo "record: command failed (exit $rc): $shown" >&2
        cat "$tmp.err" >&2
        rm -f "$tmp" "$tmp.err"
        exit 1
    fi
    if [ -s "$tmp.err" ]; then
        sed 's/^/record: stderr: /' "$tmp.err" >&2
    fi
    rec__append "$file" "$tmp"
    rm -f "$tmp" "$tmp.err"
}

# rec_err FILE COMMAND...: runs COMMAND, which may fail, and appends a block
#
#     $ COMMAND
#     ? EXIT-STATUS
#     ! one line of stderr        (each stderr line, prefixed "! ")
#     | one line of stdout        (each stdout line, prefixed "| ")
#
# followed by one empty line.  stderr lines come before stdout lines (they
# are captured separately).  A missing final newline in either stream is
# shown as a last line "!\ No newline at end of output" (or "|\ ...").
# The exit status is also left in REC_RC.
rec_err() {
    local file=$1 tmp rc
    shift
    tmp=$(mktemp)
    "$@" > "$tmp" 2> "$tmp.err" < /dev/null
    rc=$?
    REC_RC=$rc
    {
        printf '$ %s\n' "$(rec_quote "$@")"
        printf '? %d\n' "$rc"
        if [ -s "$tmp.err" ]; then
            sed 's/^/! /' "$tmp.err"
            [ -z "$(tail -c1 "$tmp.err")" ] \
                || printf '\n!\\ No newline at end of output\n'
        fi
        if [ -s "$tmp" ]; then
            sed 's/^/| /' "$tmp"
            [ -z "$(tail -c1 "$tmp")" ] \
                || printf '\n|\\ No newline at end of output\n'
        fi
        echo
    } >> "$file"
    rm -f "$tmp" "$tmp.err"
}

# Starts a new transcript FILE (removes an old one) and makes its folder.
rec_new() {
    mkdir -p "$(dirname "$1")"
    : > "$1"
}
