using Mlops.Scoring.Hosting;

await ScoringApp.Create(args).RunAsync();
