#!/usr/bin/env bash
# Regenerates docs/print-samples/: one PNG per printed document at 60 dpi, from fictional data,
# so a reviewer sees every document without running anything. Needs poppler-utils (pdftoppm).
#
#   scripts/print-samples.sh          builds `hairyo` and writes the samples anew
#   scripts/print-samples.sh --check  with the debug build already made (the test command),
#                                     fails naming each sample that differs from what the code
#                                     prints now: a change to a form must come with its sample
set -euo pipefail
cd "$(dirname "$0")/.."
check=false
[[ "${1:-}" == "--check" ]] && check=true
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if $check; then
  out="$tmp/samples"
else
  cargo build -q --bin hairyo
  out=docs/print-samples
fi
export HAIRYO_DB="$tmp/samples.db" HAIRYO_NOW="2026-11-25T10:00:00" HAIRYO_PASSWORD="hairyo-demo"
h() { target/debug/hairyo "$@"; }
id() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval("d"+sys.argv[1]))' "$1"; }

h init >/dev/null
h demo --persons 200 --seed 1 >/dev/null
h settings set-city --city 見本市 --addressee 見本市長 --kouki-union 見本県後期高齢者医療広域連合 --document-number 見保年第1201号 \
  --kouki-insurer-number 39990007 >/dev/null
p=$(h --json person add --atena 900000101 --name "髙橋 眞一" --kana "タカハシ シンイチ" --birth S35.3.3 --sex male --scheme kokuho \
      --insurer 000000 --symbol 見01 --number 123456 --branch 01 --householder "髙橋 眞一" --phone 048-000-1234 \
      --postal 000-0012 --address "見本市中央町1丁目2番3号" --card card --registration registered --reason dementia | id '["id"]')
# The referral comes first, as at a real desk; the 連携票 then shows the application received after it.
r=$(h --json --as kaigo1 referral send --person "$p" --reason "要介護認定の申請時に、ご家族から資格確認書の希望がありました。代理申請の案内をお願いします。" \
      --applicant "長男 (別世帯)" --basis consent --basis-note "11月25日 窓口で本人と長男に口頭で確認" | id '["id"]')
h --as kokuho1 referral comment "$r" "受理しました。長男の方に来庁いただく予定です。" >/dev/null
a=$(h --json --as kokuho1 application receive --person "$p" --applicant proxy --authority relative \
      --proxy-name "髙橋 一郎" --proxy-kana "たかはし いちろう" --proxy-address "見本市本町2丁目2番2号" \
      --proxy-phone 090-0000-1111 --relationship 長男 --delivery proxy \
      --delivery-reason "本人が長男の家に滞在しているため" --reason dementia | id '["application"]["id"]')
k=$(h --json person add --name "後期 花子" --kana "コウキ ハナコ" --birth S16.8.2 --sex female --scheme kouki \
      --number 12345678 --postal 000-0034 --address "見本市若葉町4丁目5番6号" --card face_auth --registration registered \
      --reason elderly --reason pin | id '["id"]')
ka=$(h --json --as kouki1 application receive --person "$k" --applicant proxy --authority same_household \
      --proxy-name "後期 一郎" --proxy-address "見本市若葉町4丁目5番6号" --relationship 同居の子 | id '["application"]["id"]')
h --as kouki1 application check "$ka" proxy_id >/dev/null
h --as kouki1 application forward "$ka" >/dev/null
f=$(h --json facility add --name "特別養護老人ホーム みほん苑" --kind elderly --postal 000-0100 --address "見本市緑町1番地" --phone 0120-000-300 | id '["id"]')
for n in "入所 一子:ニュウショ イチコ" "入所 二郎:ニュウショ ジロウ"; do
  h person add --name "${n%%:*}" --kana "${n##*:}" --birth S18.1.1 --sex female --scheme kouki --card card \
    --registration registered --reason facility --facility "$f" >/dev/null
done
# The cover letter lists those who get no form: one under 住所地特例, one who keeps the card.
h person add --name "特例 三郎" --kana "トクレイ サブロウ" --birth S17.5.5 --sex male --scheme kouki --card card \
  --registration registered --reason facility --facility "$f" --other-insurer "遠方県後期高齢者医療広域連合" >/dev/null
c=$(h --json person add --name "継続 四子" --kana "ケイゾク ヨツコ" --birth S19.4.4 --sex female --scheme kouki --card card \
      --registration registered --reason facility --facility "$f" | id '["id"]')
h --as kaigo1 touchpoint add --person "$c" --kind facility_campaign --date 2026-11-01 --wish keeps_card >/dev/null

h print application --person "$p" --application "$a" -o "$tmp/application.pdf" >/dev/null
h print application --person "$k" -o "$tmp/application-kouki.pdf" >/dev/null
h print facility --facility "$f" -o "$tmp/facility.pdf" >/dev/null
h print referral --referral "$r" -o "$tmp/referral.pdf" >/dev/null
h --as kouki1 print forwarding-register --on 2026-11-25 -o "$tmp/register.pdf" >/dev/null
for l in 1 2 3; do h print leaflet "別添$l" -o "$tmp/bessou$l.pdf" 2>/dev/null >/dev/null; done
# 在宅周知: the letter to a resident at home (the first of a one-letter mailing).
m=$(h --json --as kokuho2 mailing start --title "資格確認書のご案内" --deadline 2026-12-25 --reason dementia --limit 1 | id '["id"]')
h --as kokuho2 mailing letters "$m" -o "$tmp/mailing.pdf" >/dev/null

mkdir -p "$out"
rm -f "$out"/*.png
page() { pdftoppm -r 60 -png -f "$2" -l "$2" -singlefile "$tmp/$1.pdf" "$out/$3"; }
page application 1 application-kokuho
page application 2 delegation-letter
page application-kouki 1 application-kouki
page facility 1 facility-cover-letter
page facility 2 facility-resident-form
page referral 1 referral-sheet
page register 1 kouki-forwarding-register
page bessou1 1 bessou1-front
page bessou1 2 bessou1-back
page bessou2 1 bessou2
page bessou3 1 bessou3-poster
page mailing 1 mailing-letter
if $check; then
  stale=()
  for f in "$out"/*.png docs/print-samples/*.png; do
    name=$(basename "$f")
    cmp -s "$out/$name" "docs/print-samples/$name" || stale+=("$name")
  done
  if ((${#stale[@]})); then
    printf 'docs/print-samples is stale (run scripts/print-samples.sh and look at them): %s\n' "$(printf '%s\n' "${stale[@]}" | sort -u | tr '\n' ' ')" >&2
    exit 1
  fi
  echo "docs/print-samples: $(ls "$out" | wc -l) samples, as the code prints them"
else
  ls -1 "$out"
fi
