#!/usr/bin/env bash
# The screenshot is made with the cast, from one run of `cockpit demo`, so the
# picture, its text (docs/cockpit.txt) and the recording always agree.
exec "$(dirname "$0")/cast.sh" "$@"
