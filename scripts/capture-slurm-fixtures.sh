#!/usr/bin/env bash
# capture-slurm-fixtures.sh [OUTDIR]: regenerate fixtures/slurm/live-*.txt from the live test
# cluster (../shared/slurm/up), running squeue/sacct/scontrol with the exact argv that
# parsers/{squeue,sacct,scontrol}.ts build, as hpcuser in a clean environment (no SQUEUE_*,
# SACCT_*, SLURM_TIME_FORMAT). Run as root from anywhere. Submits the sample jobs plus edge cases,
# takes ~100 s (the TIMEOUT job) and cancels every job it submitted, also on failure.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${1:-$ROOT/fixtures/slurm}
STATE=${HPCW_CLUSTER_DIR:-/tmp/hpcw-cluster}
SHARED=${HPCW_SHARED:-$ROOT/../shared/slurm}
U=hpcuser
export SLURM_CONF=$STATE/etc/slurm.conf PATH=/usr/sbin:/usr/bin:/sbin:/bin:$PATH
[[ $(id -u) == 0 ]] || { echo "run as root (needs runuser)" >&2; exit 1; }
mkdir -p "$OUT"
TMP=$(mktemp -d)

as_user() {
  runuser -u "$U" -- env -i HOME="/home/$U" USER="$U" LOGNAME="$U" PATH=/usr/bin:/bin \
    LANG=C.UTF-8 SLURM_CONF="$SLURM_CONF" "$@"
}
# argv straight from the TypeScript builders, NUL-separated (the format holds \x1f)
argv_of() { (cd "$ROOT" && npx --no-install tsx --eval "$1"); }
mapfile -d '' SQ < <(argv_of 'import {squeueArgs} from "./parsers/squeue.ts"; process.stdout.write(squeueArgs({user:"me",allStates:true}).join("\0"))')
mapfile -d '' SC < <(argv_of 'import {scontrolShowJobArgs} from "./parsers/scontrol.ts"; process.stdout.write(scontrolShowJobArgs("0").join("\0"))')
sc_for() { local a=("${SC[@]}"); a[-1]=$1; as_user "${a[@]}" 2>/dev/null || true; }

DIR=$STATE/jobs/$U/fixtures-$(date +%s)
mkdir -p "$DIR/logs" "$DIR/dir with space"; chown -R "$U:" "$DIR"
: > "$OUT/live-extra.txt"; : > "$OUT/live-submitted.txt"
all_ids() { sed -n 's/^[a-z_]*=\([0-9][0-9]*\)$/\1/p' "$OUT/live-submitted.txt" "$OUT/live-extra.txt" | sort -un; }
cleanup() { local ids; ids=$(all_ids | tr '\n' ' '); [[ -z $ids ]] || scancel $ids 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT

HPCW_CANCEL_AFTER=5 HPCW_USER=$U "$SHARED/jobs/submit-all" "$DIR" > "$OUT/live-submitted.txt" 2>/dev/null &
SUB=$!
sub() { local name=$1 id; shift; id=$(cd "$DIR" && as_user sbatch --parsable "$@"); echo "$name=${id%%;*}" >> "$OUT/live-extra.txt"; }
sub pipe_name --mem=32M --time=2 -J 'a|b c ✓' --wrap 'sleep 15'
sub long_name --mem=32M --time=2 -J "$(printf 'n%.0s' {1..90})-long-name-$(printf 'x%.0s' {1..99})" --wrap 'sleep 15'
sub kv_name --mem=32M --time=2 -J 'k=v x=y' -D "$DIR/dir with space" -o 'out file %j.log' --wrap 'echo kv'
sub no_dir --mem=32M --time=2 -J no-dir -o 'no-such-dir/x-%j.out' --wrap 'echo never'
sub escaped --mem=32M --time=2 -J escaped -o 'one\-%j.out' --wrap 'echo esc'
sub patterns --mem=32M --time=2 -J patterns -o 'pat-%J-%s-%n-%t-%u-%x-%4j-%a-%A-%%.out' --wrap 'echo pat'
sub array_default --mem=32M --time=2 -J arr-default --array=0-3%2 --wrap 'sleep 2'
sub array_padded --mem=32M --time=2 -J arr-padded --array=5,12 -o 'pad-%A_%3a-%j.out' --wrap 'sleep 1'
printf '#!/bin/bash\n#SBATCH --mem=32M --time=2\n#SBATCH hetjob\n#SBATCH --mem=32M\nsleep 5\n' > "$DIR/het.sbatch"
chown "$U:" "$DIR/het.sbatch"
sub het -J het-pair --hold het.sbatch   # held: on one node it can never start and would block the queue

# one squeue snapshot at ~4 s and ~20 s; scontrol per job every second, keeping its last answer
T0=$SECONDS
for i in $(seq 150); do
  (( SECONDS - T0 >= 4 )) && [[ ! -e $OUT/live-squeue-t4.txt.done ]] && { as_user "${SQ[@]}" > "$OUT/live-squeue-t4.txt"; touch "$OUT/live-squeue-t4.txt.done"; }
  (( SECONDS - T0 >= 20 )) && [[ ! -e $OUT/live-squeue-t20.txt.done ]] && { as_user "${SQ[@]}" > "$OUT/live-squeue-t20.txt"; touch "$OUT/live-squeue-t20.txt.done"; }
  for id in $(all_ids); do
    o=$(sc_for "$id"); [[ -z $o ]] || printf '%s\n' "$o" > "$TMP/sc-$id"
  done
  if (( i > 25 )) && ! kill -0 "$SUB" 2>/dev/null; then   # until only never-starting jobs remain
    run=$(as_user squeue --me -h -t R,CG,CF -o %i | wc -l)
    pend=$(as_user squeue --me -h -t PD -o %j | { grep -Ev '^(wait-(held|begin|partlimit)|het-pair)$' || true; } | wc -l)
    (( run == 0 && pend == 0 )) && break
  fi
  sleep 1
done
rm -f "$OUT"/live-squeue-*.done
wait "$SUB" || true
as_user "${SQ[@]}" > "$OUT/live-squeue-end.txt"
for id in $(all_ids); do [[ -e $TMP/sc-$id ]] && cat "$TMP/sc-$id"; done > "$OUT/live-scontrol.txt"
ids=$(all_ids | paste -sd,)
mapfile -d '' SA < <(argv_of "import {sacctArgs} from \"./parsers/sacct.ts\"; process.stdout.write(sacctArgs({jobIds:\"$ids\".split(\",\")}).join(\"\\0\"))")
cleanup; trap - EXIT; sleep 3   # let the cancelled pending jobs reach the accounting DB
as_user "${SA[@]}" > "$OUT/live-sacct.txt"
sdiag > "$OUT/live-sdiag.txt"
(cd "$DIR" && find . -type f \( -name '*.out' -o -name '*.err' -o -name '*.log' \) | sort) > "$OUT/live-files.txt"
{
  echo "captured $(date -Is) on $(sinfo -V), TZ offset $(date +%z)"
  echo "job dir: $DIR"
  printf 'squeue argv:'; printf ' %q' "${SQ[@]}"; echo
  printf 'scontrol argv:'; printf ' %q' "${SC[@]:0:${#SC[@]}-1}"; echo ' <id>'
  printf 'sacct argv:'; printf ' %q' "${SA[@]}"; echo
} > "$OUT/live-README.txt"
echo "capture-slurm-fixtures: wrote $OUT/live-*.txt (job dir $DIR)" >&2
