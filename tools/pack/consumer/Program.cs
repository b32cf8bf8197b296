// The program tools/pack/check-packages.sh runs in a fresh console app that references the packed LlmForge packages
// (not the projects): it builds a tiny GPT from configuration, trains it a few steps and generates, through public
// API only. Usage: Program [Managed|Mkl]. Exit code 1 with one line when something a user would notice is wrong.
using LlmForge.Backends;
using LlmForge.Backends.Managed;
using LlmForge.Backends.Mkl;
using LlmForge.Data;
using LlmForge.Generation;
using LlmForge.Hosting;
using LlmForge.Tokenization;
using LlmForge.Training;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

string backend = args.Length > 0 ? args[0] : "Managed";
const int Steps = 40;
var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
{
    ["LlmForge:Backend"] = backend,
    ["LlmForge:Variant"] = "tiny",
    ["LlmForge:Variants:tiny:Architecture"] = "gpt",
    ["LlmForge:Variants:tiny:ContextLength"] = "16",
    ["LlmForge:Variants:tiny:EmbeddingDim"] = "32",
    ["LlmForge:Variants:tiny:Layers"] = "2",
    ["LlmForge:Variants:tiny:Heads"] = "2",
    ["LlmForge:Training:BatchSize"] = "8",
    ["LlmForge:Training:LearningRate"] = "0.01",
    ["LlmForge:Training:WarmupSteps"] = "0",
    ["LlmForge:Training:MaxSteps"] = Steps.ToString(),
}).Build();

var services = new ServiceCollection()
    .AddManagedBackend()
    .AddMklBackend(() => new ManagedBackend())
    .AddLlmForge(configuration.GetSection("LlmForge"));
using var provider = services.BuildServiceProvider();
var training = provider.GetRequiredService<IOptions<LlmForgeOptions>>().Value.Training;

string corpus = string.Concat(Enumerable.Repeat("the quick brown fox jumps over the lazy dog. ", 50));
var tokenizer = CharTokenizer.FromCorpus(corpus);
var model = provider.GetRequiredService<IModelFactory>().CreateGpt(vocabSize: tokenizer.VocabSize, seed: 1);
var (trainIds, validationIds) = TrainValidationSplit.Split(tokenizer.Encode(corpus).ToArray(), 1 - training.ValidationFraction);
var trainer = new Trainer(CausalLanguageModeling.ForCorpus(model, trainIds, validationIds, training.BatchSize, seed: 1), training);

double first = double.NaN, last = double.NaN;
for (int step = 1; step <= Steps; step++)
{
    last = trainer.TrainStep().Loss;
    if (step == 1) first = last;
}
string sample = new TextGenerator(new GptLanguageModel(model), SamplingOptions.Greedy).Complete(tokenizer, "the ", 24);

Console.WriteLine($"backend {model.Backend.Name}; {Steps} steps: loss {first:F4} -> {last:F4}");
Console.WriteLine($"sample: {sample.ReplaceLineEndings(" ")}");
if (model.Backend is MklBackend)
{
    Console.WriteLine($"mkl: {MklBackend.MklVersion}; cpu dispatch {MklBackend.MklCpuDispatch}");
    Console.WriteLine($"mkl cpu shim: {MklBackend.MklCpuShimPath ?? "(not found)"}");
}
if (!string.Equals(model.Backend.Name, backend, StringComparison.OrdinalIgnoreCase))
{
    Console.WriteLine($"error: LlmForge:Backend is {backend} but the model runs on {model.Backend.Name}");
    return 1;
}
if (!(last < first))
{
    Console.WriteLine($"error: training did not lower the loss ({first} -> {last})");
    return 1;
}
return 0;
