#!/usr/bin/env bash
# `make check` / `make check-k8s`: the Kubernetes manifests in
# deploy/kubernetes/ against the Kubernetes API's OpenAPI schemas
# (tools/k8s-validate/validate.mjs, kubernetes-models, installed by
# scripts/install-deps.sh), and proof that the check can fail: broken
# copies of the DaemonSet - a misspelt field, a value outside an enum, a
# wrong type, a dangling reference - must each be refused, naming the
# file, the object and the field. Then hsbd-compose-config, which makes
# each node's hsbd.conf in the pod, on the shipped ConfigMap and on the
# two-gateway example of docs/kubernetes.md, checked by the hsbd built
# here. Needs no root; ends with "k8s: N passed, N failed".
cd "$(dirname "$0")/.." || exit 1
# ok/not_ok/check/check_exit/last_has, a temporary directory removed on
# exit, the closing line (nothing here needs root)
. tests/integration/lib.sh
hsb_test_init k8s
T=$T_DIR
B=${HSB_BUILD:-build}
V=tools/k8s-validate
DS=deploy/kubernetes/hsbd-daemonset.yaml
COMPOSE=deploy/container/hsbd-compose-config

validate() { node "$V/validate.mjs" "$@"; }

if ! command -v node >/dev/null 2>&1; then
	not_ok "node missing: scripts/install-deps.sh installs Node.js and the validator"
	hsb_test_done
	exit
fi
if [ ! -d "$V/node_modules/kubernetes-models" ]; then
	not_ok "$V/node_modules missing: scripts/install-deps.sh (npm ci there)"
	hsb_test_done
	exit
fi

echo "-- deploy/kubernetes/*.yaml validate against the Kubernetes schemas"
if validate deploy/kubernetes/*.yaml >"$T/all.out" 2>&1; then
	while read -r _ what; do
		ok "$what"
	done < <(grep '^ok ' "$T/all.out")
else
	not_ok "validate.mjs deploy/kubernetes/*.yaml:"
	sed 's/^/       | /' "$T/all.out" | head -40
fi

# refused NAME SED WANT: a copy of the DaemonSet's file edited by SED must
# be refused, with a line "FAIL FILE:LINE: WANT" (WANT names the object
# and the field).
refused() {
	local name=$1 expr=$2 want=$3 f=$T/$1.yaml
	sed "$expr" "$DS" >"$f"
	if cmp -s "$DS" "$f"; then
		not_ok "$name: the edit '$expr' changed nothing"
		return
	fi
	check_exit "$name: refused" 1 validate "$f"
	if grep "^FAIL $f:[0-9]*: " "$T/last.out" | grep -qF -- ": $want"; then
		ok "$name: names the file, line, object and field"
	else
		not_ok "$name: no 'FAIL $f:LINE: $want' in:"
	fi
	grep '^FAIL' "$T/last.out" | sed "s|$T/||; s/^/       | /"
}

echo "-- a broken copy of $DS is refused"
refused contaners '0,/^      containers:/s//      contaners:/' \
	'DaemonSet/hsbd: spec.template.spec.contaners: unknown field "contaners" (did you mean "containers"?)'
refused pull-policy '0,/imagePullPolicy: IfNotPresent/s//imagePullPolicy: Sometimes/' \
	'DaemonSet/hsbd: spec.template.spec.initContainers[0].imagePullPolicy: must be equal to one of the allowed values: "Always", "IfNotPresent", "Never"'
# an optional field misspelt: the schemas alone allow unknown fields
refused readines-probe 's/readinessProbe:/readinesProbe:/' \
	'DaemonSet/hsbd: spec.template.spec.containers[0].readinesProbe: unknown field "readinesProbe" (did you mean "readinessProbe"?)'
refused port-type 's/containerPort: 9417/containerPort: "9417"/' \
	'DaemonSet/hsbd: spec.template.spec.containers[0].ports[0].containerPort: must be integer'
refused size-limit 's/sizeLimit: 32Mi/sizeLimit: [32Mi]/' \
	'DaemonSet/hsbd: spec.template.spec.volumes[2].emptyDir.sizeLimit: '
refused configmap-ref '/configMap:/,/name:/s/name: hsbd-config/name: hsbd-cfg/' \
	'DaemonSet/hsbd: spec.template.spec.volumes[3].configMap.name: ConfigMap "hsbd-cfg" is not defined in namespace hsb-system'
refused probe-port '0,/port: metrics/s//port: metric/' \
	'DaemonSet/hsbd: spec.template.spec.containers[0].startupProbe.httpGet.port: no port named "metric"'
refused kind 's/^kind: DaemonSet/kind: DaemonSett/' \
	'DaemonSett/hsbd: kind: no such kind in the Kubernetes API: apiVersion apps/v1, kind DaemonSett'

echo "-- the image and the manifest agree"
cmd=$(sed -n 's/^ *command: \["\(.*hsbd-compose-config\)"\]/\1/p' "$DS")
check "the init container runs $cmd, which the Dockerfile installs" \
	grep -q "^COPY .*$COMPOSE $(dirname "${cmd:-/none}")/\$" deploy/container/Dockerfile
check "one capabilities.add line (tests/integration/test_privs.sh reads it)" \
	test "$(grep -c '^ *add: \[' "$DS")" = 1

echo "-- hsbd-compose-config: each node's hsbd.conf, checked by $B/hsbd"
# compose NODE SRC KEYFILE OUT [VAR=VALUE...]
compose() {
	local node=$1 src=$2 key=$3 out=$4
	shift 4
	env NODE_NAME="$node" HSB_CONFIG_SRC="$src" HSB_KEY_FILE="$key" \
		HSB_CONFIG="$out" HSBD="$B/hsbd" "$@" sh "$COMPOSE"
}
mkdir -p "$T/shipped" "$T/etc"
node "$V/configmap.mjs" "$DS" hsbd-config "$T/shipped" >/dev/null
printf '%s\n' 'an "odd" \key, 33 characters long' >"$T/key"
check_exit "the shipped ConfigMap, node gw-a, a key with \" and \\" 0 \
	compose gw-a "$T/shipped" "$T/key" "$T/etc/hsbd.conf" \
	HSB_METRICS_LISTEN="127.0.0.1 9417"
check "sysname from the node name" grep -qx 'sysname gw-a' "$T/etc/hsbd.conf"
check "the key quoted and escaped" \
	grep -qxF 'hrp authentication-key "an \"odd\" \\key, 33 characters long"' "$T/etc/hsbd.conf"
check "metrics listen last" sh -c "tail -n1 '$T/etc/hsbd.conf' | grep -qx 'metrics listen 127.0.0.1 9417'"
check "mode 0600" test "$(stat -c %a "$T/etc/hsbd.conf")" = 600
# DNS labels are at most 63 characters; names up to 253
long=gw-$(printf 'a%.0s' $(seq 40)).rack-12.dc1.example.org
check_exit "a node name longer than 63 characters" 0 \
	compose "$long" "$T/shipped" "$T/none" "$T/etc/long.conf"
last_has "no Secret: said so" "no HRP key"
check "gives its first label as sysname" grep -qx "sysname ${long%%.*}" "$T/etc/long.conf"

# The two-gateway example of docs/kubernetes.md: the fenced block after
# each "<!-- k8s-example: FILE -->" line.
mkdir -p "$T/pair"
for f in hsbd.conf node.gw-a.conf node.gw-b.conf; do
	awk -v m="<!-- k8s-example: $f -->" '
		$0 == m { want = 1; next }
		want && /^```/ { if (inb) exit; inb = 1; next }
		inb { print }' docs/kubernetes.md >"$T/pair/$f"
	check "docs/kubernetes.md has the example $f" test -s "$T/pair/$f"
done
for n in gw-a gw-b; do
	check_exit "the example composes for $n" 0 \
		compose "$n" "$T/pair" "$T/key" "$T/etc/$n.conf" \
		HSB_METRICS_LISTEN="127.0.0.1 9417"
done
echo "-- hsbd-compose-config refuses, and keeps the old file"
cp "$T/etc/gw-a.conf" "$T/etc/keep.conf"
cp -r "$T/pair" "$T/typo"
echo 'vgmp group g1 priorty 65001' >>"$T/typo/node.gw-a.conf"
check_exit "a typo in the node's part: exit 1" 1 \
	compose gw-a "$T/typo" "$T/key" "$T/etc/keep.conf"
last_has "hsbd says where" "keep.conf.new:21:15: "
last_has "the composed lines are shown, the key masked" "hrp authentication-key ******"
check "the key is not in the output" sh -c "! grep -q odd '$T/last.out'"
check "the old file is untouched" cmp -s "$T/etc/gw-a.conf" "$T/etc/keep.conf"
check "no temporary file left" test ! -e "$T/etc/keep.conf.new"
check_exit "the pair without the Secret: exit 1" 1 \
	compose gw-a "$T/pair" "$T/none" "$T/etc/keep.conf"
last_has "hsbd names what is missing" "needs hrp authentication-key"
printf 'short\n' >"$T/key.short"
check_exit "a key of 5 characters: exit 1" 1 \
	compose gw-a "$T/pair" "$T/key.short" "$T/etc/keep.conf"
last_has "refused by hsbd, the key not shown" "got 5 characters (the key is not shown)"
printf 'two\nlines of key\n' >"$T/key.two"
check_exit "a key of two lines: exit 1" 1 \
	compose gw-a "$T/pair" "$T/key.two" "$T/etc/keep.conf"
last_has "said so" "holds more than one line"
check_exit "no NODE_NAME: exit 1" 1 \
	compose "" "$T/pair" "$T/key" "$T/etc/keep.conf"

hsb_test_done
