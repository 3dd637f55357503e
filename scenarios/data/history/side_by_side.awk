# side_by_side.awk: the model's quarterly value_share of Alipay and WeChat
# Pay at region all, beside the observed shares of value_shares.csv.
#
#   interopsim run alipay-vs-wechat-2013 --engine meanfield --out out/hist --no-plots
#   awk -F, -f scenarios/data/history/side_by_side.awk \
#       scenarios/data/history/value_shares.csv out/hist/metrics.csv
#
# A quarter's share is value-weighted over its monthly steps: the value
# paid with a method is the sum over platforms of gmv x
# payment_value_share and over channels of channel_value; the total is
# that sum over every method (the denominator of value_share).
{ sub(/\r$/, "") }
FNR == 1 { next }
FILENAME == ARGV[1] {
	key = $1 SUBSEP $4
	obs[key] = $5; sd[key] = $7; seen[$1] = 1
	next
}
$3 != "all" { next }
{
	split($2, d, "-"); q = d[1] "-Q" int((d[2] + 2) / 3)
	quarters[q] = 1
}
$4 == "gmv" { gmv[$1, $5] = $7 }
# A step's gmv rows follow its payment_value_share rows: keep the shares.
$4 == "payment_value_share" { pvs[$1, $5] = $7; qof[$1] = q }
$4 == "channel_value" {
	split($5, cm, "/")
	val[q, cm[2]] += $7; tot[q] += $7
}
END {
	for (k in pvs) {
		split(k, sk, SUBSEP); split(sk[2], pm, "/")
		v = gmv[sk[1], pm[1]] * pvs[k]
		val[qof[sk[1]], pm[2]] += v; tot[qof[sk[1]]] += v
	}
	printf "%-8s %10s %10s %6s   %10s %10s %6s\n", "quarter", "model_ali", "data_ali", "sd", "model_wx", "data_wx", "sd"
	n = 0
	for (q in quarters) list[++n] = q
	for (i = 2; i <= n; i++) for (j = i; j > 1 && list[j-1] > list[j]; j--) { t = list[j]; list[j] = list[j-1]; list[j-1] = t }
	for (i = 1; i <= n; i++) {
		q = list[i]
		a = (q SUBSEP "alipay") in obs ? sprintf("%10.3f %6.2f", obs[q, "alipay"], sd[q, "alipay"]) : sprintf("%10s %6s", "-", "")
		w = (q SUBSEP "wechat_pay") in obs ? sprintf("%10.3f %6.2f", obs[q, "wechat_pay"], sd[q, "wechat_pay"]) : sprintf("%10s %6s", "-", "")
		printf "%-8s %10.3f %s   %10.3f %s\n", q, val[q, "alipay"] / tot[q], a, val[q, "wechat_pay"] / tot[q], w
	}
}
