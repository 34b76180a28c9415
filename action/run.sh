#!/usr/bin/env bash
# The GitHub Action's check step (action.yml), kept in a file so that tests/action.rs can
# run it on a laptop with the variables a runner sets. Inputs arrive in the environment,
# never pasted into a script:
#   TENDERLINT_PATHS  files or folders: one per line; a single line that names no existing
#                     path is split at spaces (the old form)
#   TENDERLINT_ARGS   more arguments for `tenderlint check`, split at spaces; a
#                     `--format sarif` among them asks for SARIF, like TENDERLINT_SARIF
#   TENDERLINT_SARIF  `true`: also write SARIF to $RUNNER_TEMP/tenderlint.sarif and name it
#                     in $GITHUB_OUTPUT as sarif_file, for the upload step
# Findings are printed as GitHub workflow commands (annotations). The exit code is
# tenderlint's: 0 clean, 1 findings, 2 the check could not run.
set -uo pipefail

paths=()
if [ -n "${TENDERLINT_PATHS:-}" ]; then
  mapfile -t lines <<<"$TENDERLINT_PATHS"
  nonempty=()
  for l in "${lines[@]}"; do
    [ -n "${l//[[:space:]]/}" ] && nonempty+=("$l")
  done
  if [ "${#nonempty[@]}" -eq 1 ] && [ ! -e "${nonempty[0]}" ]; then
    read -r -a paths <<<"${nonempty[0]}"
  else
    paths=("${nonempty[@]}")
  fi
fi
[ "${#paths[@]}" -eq 0 ] && paths=(.)

args=()
sarif=${TENDERLINT_SARIF:-false}
read -r -a given <<<"${TENDERLINT_ARGS:-}"
i=0
while [ "$i" -lt "${#given[@]}" ]; do
  a=${given[$i]}
  case $a in
    --format=*) format=${a#--format=} ;;
    --format) i=$((i + 1)); format=${given[$i]:-} ;;
    *) args+=("$a"); format= ;;
  esac
  case ${format:-} in
    sarif) sarif=true ;;
    ""|github) ;;
    *) echo "::warning title=tenderlint::--format $format is ignored: the action shows findings as annotations (and SARIF with sarif: true)" ;;
  esac
  format=
  i=$((i + 1))
done

if [ "$sarif" = true ]; then
  out="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/tenderlint.sarif"
  tenderlint check --format sarif "${args[@]}" -- "${paths[@]}" >"$out"
  code=$?
  if [ "$code" -gt 1 ]; then
    echo "::error title=tenderlint::could not write SARIF (exit $code)"
    exit "$code"
  fi
  echo "sarif_file=$out" >>"${GITHUB_OUTPUT:-/dev/null}"
fi

tenderlint check --format github "${args[@]}" -- "${paths[@]}"
