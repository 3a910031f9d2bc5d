package arrears_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	arrears "github.com/arrears-engine/arrears/bindings/go"
)

const fineractFixtures = "../../core/tests/fixtures/fineract"

// cents reads a decimal such as "1033.3" as minor units of a two-place currency.
func cents(t *testing.T, decimal string) int64 {
	whole, frac, _ := strings.Cut(decimal, ".")
	frac = (frac + "00")[:2]
	n, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil {
		t.Fatalf("amount %q: %v", decimal, err)
	}
	return n
}

// usRegF is an engine under us-reg-f, closed when the test ends.
func usRegF(t *testing.T, ctx context.Context) *arrears.Engine {
	engine, err := arrears.New(ctx, "us-reg-f")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { engine.Close(ctx) })
	return engine
}

type fineractMeta struct {
	BusinessDate string `json:"business_date"`
	TimeZone     string `json:"time_zone"`
	Expected     struct {
		Days       uint32            `json:"delinquent_days"`
		Amount     string            `json:"delinquent_amount"`
		Components map[string]string `json:"delinquent_components"`
	} `json:"expected"`
}

func TestImportFineractGivesFineractsDelinquentDaysAndAmounts(t *testing.T) {
	ctx := context.Background()
	engine := usRegF(t, ctx)
	dirs, _ := filepath.Glob(filepath.Join(fineractFixtures, "*", "loan.json"))
	if len(dirs) < 20 {
		t.Fatalf("only %d Fineract fixtures", len(dirs))
	}
	for _, loanPath := range dirs {
		dir := filepath.Dir(loanPath)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			loan, err := os.ReadFile(loanPath)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := os.ReadFile(filepath.Join(dir, "meta.json"))
			if err != nil {
				t.Fatal(err)
			}
			var meta fineractMeta
			if err := json.Unmarshal(raw, &meta); err != nil {
				t.Fatal(err)
			}
			caseJSON, err := engine.ImportFineract(ctx, loan, meta.BusinessDate, meta.TimeZone)
			if err != nil {
				t.Fatalf("import: %v", err)
			}
			text, err := engine.Decide(ctx, caseJSON)
			if err != nil {
				t.Fatalf("decide: %v", err)
			}
			var decision struct {
				Delinquency struct {
					DaysPastDue       uint32           `json:"days_past_due"`
					OverdueAmount     int64            `json:"overdue_amount"`
					OverdueComponents map[string]int64 `json:"overdue_components"`
				} `json:"delinquency"`
			}
			if err := json.Unmarshal(text, &decision); err != nil {
				t.Fatal(err)
			}
			d := decision.Delinquency
			if d.DaysPastDue != meta.Expected.Days {
				t.Errorf("days past due %d, Fineract says %d", d.DaysPastDue, meta.Expected.Days)
			}
			if want := cents(t, meta.Expected.Amount); d.OverdueAmount != want {
				t.Errorf("overdue %d, Fineract says %d", d.OverdueAmount, want)
			}
			for part, amount := range meta.Expected.Components {
				if want := cents(t, amount); d.OverdueComponents[part] != want {
					t.Errorf("overdue %s %d, Fineract says %d", part, d.OverdueComponents[part], want)
				}
			}
		})
	}
}

func TestImportFineractRefusesBadInputWithThePathIntoTheLoan(t *testing.T) {
	ctx := context.Background()
	engine := usRegF(t, ctx)
	raw, err := os.ReadFile(filepath.Join(fineractFixtures, "pause-ended", "loan.json"))
	if err != nil {
		t.Fatal(err)
	}
	var loan map[string]any
	if err := json.Unmarshal(raw, &loan); err != nil {
		t.Fatal(err)
	}
	periods := loan["repaymentSchedule"].(map[string]any)["periods"].([]any)
	periods[2].(map[string]any)["interestOutstanding"] = "12,5"
	bad, _ := json.Marshal(loan)

	refused := func(loan []byte, date, zone, code, path string) {
		t.Helper()
		_, err := engine.ImportFineract(ctx, loan, date, zone)
		var ae *arrears.Error
		if !errors.As(err, &ae) {
			t.Fatalf("want an *arrears.Error, got %v", err)
		}
		if ae.Code != code || ae.Path != path {
			t.Errorf("got %s at %q, want %s at %q", ae.Code, ae.Path, code, path)
		}
	}
	refused(bad, "2012-03-12", "UTC", "invalid_field", "repaymentSchedule.periods[2].interestOutstanding")
	refused(raw, "12 March 2012", "UTC", "invalid_field", "business_date")
	refused(raw, "2012-03-12", "Mars/Olympus", "invalid_field", "time_zone")
	refused([]byte("[1"), "2012-03-12", "UTC", "invalid_json", "")
}
