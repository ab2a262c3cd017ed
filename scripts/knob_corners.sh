# The configurations of the sign-off runs, read in one place: sourced by scripts/regression.sh
# and scripts/icarus.sh (and installed beside regression.sh). A knob corner is a line of
# scripts/knob_corners.txt: NAME, then `hif4 gen` options; lines starting with # are comments.
#   profile_names HIF4           the profiles of `HIF4 profiles` (its table's heading), one a line
#   corner_names FILE            the knob corners' names, one a line
#   corner_options FILE NAME     the `hif4 gen` options of corner NAME, on one line
profile_names() {
  "$1" profiles | awk 'NR == 1 { for (i = 2; i <= NF; i++) print $i }'
}
corner_names() {
  awk '!/^#/ && NF { print $1 }' "$1"
}
corner_options() {
  awk -v c="$2" '!/^#/ && $1 == c { $1 = ""; print }' "$1"
}
