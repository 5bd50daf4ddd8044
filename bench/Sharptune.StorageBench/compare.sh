#!/usr/bin/env bash
# Runs the storage workloads of Sharptune and of Optuna (optuna_speed.py, optuna_postgres.py) in one session,
# interleaved, so that both see the same machine load. Usage: bench/Sharptune.StorageBench/compare.sh [OPTUNA_PYTHONPATH]
# Needs: .ci/setup (PostgreSQL, python3-optuna, python3-psycopg2). Optuna 5 from source: pass its directory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
speed=${OPTUNA_SPEED:-/work/shared/bench/optuna_speed.py}
pg=${SHARPTUNE_POSTGRES_URL:-postgresql://sharptune:sharptune@127.0.0.1:5432/sharptune_test}
export PYTHONPATH=${1:-${PYTHONPATH:-}}
dotnet build -c Release "$here/Sharptune.StorageBench.csproj" >/dev/null
bench="$here/bin/Release/net10.0/Sharptune.StorageBench"
echo "# $(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in 1 2; do
  "$bench" sqlite
  "$bench" journal
  "$bench" journal-never
  "$bench" journal-everyappend
done
/usr/bin/python3 "$speed" journal
/usr/bin/python3 "$speed" journal
"$bench" cache
"$bench" tpe
"$bench" bare 1000 nondurable tpe
"$bench" sqlite-nondurable
"$bench" bare 1000 nondurable
"$bench" postgres "$pg"
/usr/bin/python3 "$here/optuna_postgres.py" "$pg"
"$bench" sqlite
/usr/bin/python3 "$here/wal_floor.py"
"$bench" bare
/usr/bin/python3 "$speed" sqlite
"$bench" sqlite
/usr/bin/python3 "$here/wal_floor.py"
"$bench" bare
/usr/bin/python3 "$speed" sqlite
"$bench" sqlite
echo "# $(date -u +%FT%TZ) load: $(cut -d' ' -f1-3 /proc/loadavg)"
