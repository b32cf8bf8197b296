using System.CommandLine;
using System.Globalization;
using LlmForge.Bert;
using LlmForge.Checkpoints;
using LlmForge.Cli.Hosting;
using LlmForge.Cli.Parsing;
using LlmForge.Data;
using LlmForge.Diagnostics;
using LlmForge.Hosting;
using LlmForge.Training;

namespace LlmForge.Cli.Commands.Bert;

/// <summary>
/// <c>llmforge classify</c>: fine-tunes a BERT or GPT directory's sequence classifier on a labelled TSV/CSV file (the
/// classifier — BERT's pooler and classifier, a GPT's score on the last token — is created when the directory has none),
/// reports accuracy on an evaluation file, saves the fine-tuned model, and predicts the labels of a file of texts.
/// </summary>
public sealed class ClassifyCommand : ICommand
{
    public string Name => "classify";

    public string Summary => "fine-tune a BERT or GPT classifier on a labelled TSV/CSV file, report accuracy, predict labels";

    public string Synopsis => "usage: llmforge classify --model DIR [--train FILE [--eval FILE] [--epochs N] [--out DIR]] [--predict FILE] [flags]";

    public string Notes => "";

    private static readonly Option<string?> Model = Flag.Text("--model", "DIR", "a BERT or GPT directory (pretrained, e.g. by pretrain-bert or train, or already fine-tuned)");
    private static readonly Option<string?> Train = Flag.Text("--train", "FILE",
        "text<TAB>label lines (.tsv) or text,label (.csv, \"quoted, text\" allowed); a first line \"text<TAB>label\" is a header; " +
        "the classes are the distinct labels");
    private static readonly Option<string?> Eval = Flag.Text("--eval", "FILE", "labelled like --train: loss and accuracy after each epoch; last line accuracy=<number>");
    private static readonly Option<int?> Epochs = Flag.Int("--epochs", "N", "passes over --train (default 3)", min: 1, max: TrainingOptionsValidator.MaxSteps);
    private static readonly Option<int?> BatchSize = Flag.Int("--batch-size", "B", "rows per step (default 16)", min: 1, max: TrainingOptionsValidator.MaxBatchSize);
    private static readonly Option<float?> LearningRate = Flag.Float("--lr", "LR", "peak learning rate (default 1e-4)", min: 0, max: (float)TrainingOptionsValidator.MaxLearningRate);
    private static readonly Option<int?> MaxLength = Flag.Int("--max-length", "T", "truncate inputs to T tokens (default: the model's max_position_embeddings)",
        min: 3, max: VariantSizes.MaxContextLength);
    private static readonly Option<string?> Out = Flag.Text("--out", "DIR", "save the fine-tuned model (config.json with id2label, model.safetensors) + vocab");
    private static readonly Option<string?> Predict = Flag.Text("--predict", "FILE",
        "one text per line (a label column is ignored): prints label<TAB>probability<TAB>text; without --train, --model must already hold a classifier");
    private static readonly Option<ulong?> Seed = Flag.ULong("--seed", "S", "data order and new-head init (default 1337)");

    public IReadOnlyList<Option> Options { get; } =
        [Model, Train, Eval, Epochs, BatchSize, LearningRate, MaxLength, Out, Predict, Seed, BackendFlags.Backend, BackendFlags.Threads];

    public int Run(ParseResult parsed, TextWriter stdout, TextWriter stderr)
    {
        string? modelDir = parsed.GetValue(Model);
        string? trainFile = parsed.GetValue(Train), evalFile = parsed.GetValue(Eval), predictFile = parsed.GetValue(Predict), output = parsed.GetValue(Out);
        int? epochs = parsed.GetValue(Epochs);
        var options = new BertClassifierOptions
        {
            Epochs = epochs ?? 3,
            BatchSize = parsed.GetValue(BatchSize) ?? 16,
            LearningRate = parsed.GetValue(LearningRate) ?? 1e-4f,
            MaxLength = parsed.GetValue(MaxLength),
            Seed = (int)(parsed.GetValue(Seed) ?? 1337),
        };
        string? backendName = parsed.GetValue(BackendFlags.Backend); // null: LlmForge:Backend of the environment or appsettings.json
        int threads = parsed.GetValue(BackendFlags.Threads) ?? 0;
        string directory = ModelDirectory.Require(Name, "model", modelDir);
        if (trainFile is null && predictFile is null)
            throw new CliException($"{Name}: give --train FILE (fine-tune) and/or --predict FILE");
        if (trainFile is null && (evalFile is not null || output is not null || epochs is not null))
            throw new CliException($"{Name}: --eval, --epochs and --out go with --train");

        var backend = BackendFactory.FromConfiguration(backendName, threads);
        ITextClassifier classifier;
        ClassificationMetrics? last = null;
        if (trainFile is not null)
        {
            var train = LabelledTextFile.Read(trainFile);
            var evaluation = evalFile is null ? null : LabelledTextFile.Read(evalFile);
            var labels = LabelledTextFile.Labels(train);
            if (labels.Count < 2) throw new CliException($"{Name}: --train '{trainFile}' has a single label {Printable.Quote(labels[0])}; a classifier needs two or more");
            var loaded = ClassifierDirectory.ForTraining(Name, directory, backend, labels, options);
            classifier = loaded.Classifier;
            stdout.WriteLine($"classes: {string.Join(", ", labels)} ({train.Count} training examples" +
                             (evaluation is null ? ")" : $", {evaluation.Count} evaluation examples)"));
            if (loaded.Initialized.Count > 0) stdout.WriteLine($"initialized: {string.Join(", ", loaded.Initialized)}");
            var trainer = new TextClassifierTrainer(classifier, options);
            var history = trainer.Train(train, evaluation, stdout);
            last = history.Count > 0 ? history[^1] : null;
            if (output is not null)
            {
                loaded.Save(output);
                stdout.WriteLine($"saved to {output}");
            }
        }
        else
        {
            classifier = ClassifierDirectory.Load(Name, directory, backend, options);
        }

        if (predictFile is not null)
        {
            var texts = LabelledTextFile.Read(predictFile, labelsRequired: false);
            var predictor = new TextClassifierTrainer(classifier, options);
            var predictions = predictor.Predict([.. texts.Select(t => t.Text)]);
            for (int i = 0; i < texts.Count; i++)
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{predictions[i].Label}\t{predictions[i].Probability:F4}\t{texts[i].Text}"));
        }
        if (last is not null) stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"accuracy={last.Accuracy:F4}"));
        return 0;
    }
}
