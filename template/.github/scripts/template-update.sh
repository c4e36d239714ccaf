#!/usr/bin/env bash
# Usage: .github/scripts/template-update.sh (from the project root; template-update.yml runs it)
#
# When the template this project was generated from has a newer version, applies it with
# `copier update` on a branch and opens a pull request. Refuses, loudly, to commit an update
# that left conflict markers or .rej files: a person resolves those locally (docs: `copier
# update --trust`, then fix the conflicts, then commit). Exit 0 when up to date or proposed.
set -euo pipefail

check=$(copier check-update --output-format json)
echo "copier check-update: $check"
if [ "$(jq -r '.update_available' <<<"$check")" != true ]; then
  echo "The template is up to date."
  exit 0
fi
latest=$(jq -r '.latest_version' <<<"$check")
branch="template-update/$latest"

if git ls-remote --exit-code --heads origin "$branch" >/dev/null 2>&1; then
  echo "Branch $branch exists already: its pull request is waiting for review."
  exit 0
fi

git switch --create "$branch"
copier update --trust --defaults --conflict inline

git add --all
# .rej/.orig are git-ignored, so look for them on disk; markers are looked for in what is staged.
problems=$(
  find . -path ./.git -prune -o -type f \( -name '*.rej' -o -name '*.orig' \) -print
  git grep --cached -l -E '^(<<<<<<<|>>>>>>>)( |$)' || true
)
if [ -n "$problems" ]; then
  echo "::error::copier update to $latest left conflicts; run it locally, resolve them, and commit:"
  while IFS= read -r path; do echo "  $path"; done <<<"$problems"
  exit 1
fi
if git diff --cached --quiet; then
  echo "The update to $latest changes nothing in this project."
  exit 0
fi

git commit --quiet --message "chore: update the project template to $latest"
git push --quiet origin "$branch"
gh pr create --base "${BASE_BRANCH:-main}" --head "$branch" \
  --title "chore: update the project template to $latest" \
  --body "Automated \`copier update\` to template version $latest, without conflicts. Review the diff like any change."
