package output_test

import (
	"context"
	"math"
	"os"
	"time"

	"github.com/interopsim/interopsim/output"
)

func ExampleWriteCSV() {
	day := time.Date(2024, 9, 12, 0, 0, 0, 0, time.UTC)
	t := &output.Table{Rows: []output.Row{
		{Step: 88, Date: day, Region: "rural", Metric: "adoption", Entity: "wechat_pay", Value: 2.0 / 3},
		{Step: 88, Date: day, Region: "rural", Metric: "payment_share", Entity: "taobao/wechat_pay", Value: 0},
		{Step: 88, Date: day, Region: "rural", Metric: "gmv_share", Entity: "jd", Value: math.NaN()},
	}}
	if err := output.WriteCSV(context.Background(), os.Stdout, t); err != nil {
		panic(err)
	}
	// Output:
	// run,step,date,region,metric,entity,value
	// 0,88,2024-09-12,rural,adoption,wechat_pay,0.6666666667
	// 0,88,2024-09-12,rural,payment_share,taobao/wechat_pay,0
	// 0,88,2024-09-12,rural,gmv_share,jd,
}
