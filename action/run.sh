#!/usr/bin/env bash
# Runs `lifeline check` or `lifeline diff` for the action: SARIF for code scanning, the Markdown
# report in the job summary, an optional pull-request comment; the step fails as Lifeline exits.
set -uo pipefail
: "${ACTION_PATH:?}" "${RUNNER_TEMP:?}" "${GITHUB_OUTPUT:?}"
work="$RUNNER_TEMP/lifeline-run"
mkdir -p "$work"
markdown="$work/report.md"
json="$work/report.json"
rm -f "$markdown" "$json"

# Paths: separated by spaces or newlines, as a YAML block scalar gives them.
read -r -a paths <<< "$(printf '%s' "${INPUT_PATHS:-}" | tr '\n' ' ')"

fail_on=()
[ -n "${INPUT_FAIL_ON:-}" ] && fail_on=(--fail-on "$INPUT_FAIL_ON")

case "${INPUT_COMMAND:-check}" in
  check)
    args=(check "${paths[@]}" "${fail_on[@]}" --output "markdown=$markdown" --output "json=$json")
    [ -n "${INPUT_BASELINE:-}" ] && args+=(--baseline "$INPUT_BASELINE")
    [ -n "${INPUT_SARIF_FILE:-}" ] && args+=(--output "sarif=$INPUT_SARIF_FILE")
    lifeline "${args[@]}"
    code=$?
    ;;
  diff)
    base="${INPUT_BASE:-}"
    if [ -z "$base" ] && [ -n "${GITHUB_EVENT_PATH:-}" ] && [ -f "$GITHUB_EVENT_PATH" ]; then
      base=$(node -e 'const e = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); process.stdout.write(e.pull_request?.base?.sha ?? "")' "$GITHUB_EVENT_PATH")
    fi
    if [ -z "$base" ]; then
      echo "::error title=Lifeline::diff needs a base revision: set the action's base input, or run it on a pull request" >&2
      echo "exit-code=2" >> "$GITHUB_OUTPUT"
      echo "status=ERROR" >> "$GITHUB_OUTPUT"
      exit 2
    fi
    lifeline diff --base "$base" "${paths[@]}" "${fail_on[@]}" > "$work/diff.txt"
    code=$?
    cat "$work/diff.txt"
    { echo '## Lifeline diff'; echo; echo "Against \`$base\`:"; echo; echo '```'; cat "$work/diff.txt"; echo '```'; } > "$markdown"
    ;;
  *)
    echo "::error title=Lifeline::command must be check or diff, not ${INPUT_COMMAND}" >&2
    echo "exit-code=2" >> "$GITHUB_OUTPUT"
    exit 2
    ;;
esac

status=ERROR
if [ -s "$json" ]; then
  status=$(node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).status ?? "ERROR")' "$json")
elif [ "${INPUT_COMMAND:-check}" = diff ] && [ "$code" -le 1 ]; then
  [ "$code" -eq 0 ] && status=NO_REGRESSION || status=REGRESSION
fi
{
  echo "exit-code=$code"
  echo "status=$status"
  if [ "${INPUT_COMMAND:-check}" = check ] && [ -n "${INPUT_SARIF_FILE:-}" ] && [ -s "$INPUT_SARIF_FILE" ]; then echo "sarif-file=$INPUT_SARIF_FILE"; fi
} >> "$GITHUB_OUTPUT"

if [ -s "$markdown" ]; then
  [ "${INPUT_SUMMARY:-true}" = true ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ] && cat "$markdown" >> "$GITHUB_STEP_SUMMARY"
  if [ "${INPUT_COMMENT:-false}" = true ]; then
    node "$ACTION_PATH/action/comment.mjs" "$markdown" || echo "::warning title=Lifeline::the pull-request comment could not be posted (see above); the check's result stands"
  fi
fi
exit "$code"
