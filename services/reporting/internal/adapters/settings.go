package adapters

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"dundian.local/libs/store"
	"dundian.local/services/reporting/internal/app"
)

// Settings are reporting's county-wide settings, one document each in county.reporting_settings.
type Settings struct{ coll *mongo.Collection }

func NewSettings(st store.Service) Settings { return Settings{coll: st.County("settings")} }

const comparisonSettingsID = "comparison"

func (s Settings) Comparison(ctx context.Context) (app.ComparisonSettings, error) {
	var out app.ComparisonSettings
	err := s.coll.FindOne(ctx, bson.D{{Key: "_id", Value: comparisonSettingsID}}).Decode(&out)
	if store.IsNotFound(err) {
		return app.ComparisonSettings{}, nil
	}
	return out, err
}

func (s Settings) SaveComparison(ctx context.Context, v app.ComparisonSettings) error {
	_, err := s.coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: comparisonSettingsID}}, v, options.Replace().SetUpsert(true))
	return err
}
