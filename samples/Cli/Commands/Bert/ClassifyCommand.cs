using System.Globalization;
using LlmForge.Bert;
using LlmForge.Checkpoints;
using LlmForge.Cli.Hosting;
using LlmForge.Data;
using LlmForge.Hosting;
using LlmForge.Training;
using LlmForge.Diagnostics;

namespace LlmForge.Cli.Commands.Bert;

/// <summary>
/// <c>llmforge classify</c>: fine-tunes a BERT directory's sequence classifier on a labelled TSV/CSV file (the
/// classifier and pooler are created when the directory has none), reports accuracy on an evaluation file, saves the
/// fine-tuned model, and predicts the labels of a file of texts.
/// </summary>
public sealed class ClassifyCommand : ICommand
{
    public string Name => "classify";

    public string Summary => "fine-tune a BERT classifier on a labelled TSV/CSV file, report accuracy, predict labels";

    public const string Usage = """
        usage: llmforge classify --model DIR [--train FILE [--eval FILE] [--epochs N] [--out DIR]] [--predict FILE] [flags]

          --model DIR           a BERT directory (pretrained, e.g. by pretrain-bert, or already fine-tuned)
          --train FILE          text<TAB>label lines (.tsv) or text,label (.csv, "quoted, text" allowed); a first
                                line "text<TAB>label" is a header; the classes are the distinct labels
          --eval FILE           labelled like --train: loss and accuracy after each epoch; last line accuracy=<number>
          --epochs N            passes over --train (default 3)
          --batch-size B        (default 16)      --lr LR  peak learning rate (default 1e-4)
          --max-length T        truncate inputs to T tokens (default: the model's max_position_embeddings)
          --out DIR             save the fine-tuned model (config.json with id2label, model.safetensors) + vocab
          --predict FILE        one text per line (a label column is ignored): prints label<TAB>probability<TAB>text;
                                without --train, --model must already hold a classifier
          --seed S              data order and new-head init (default 1337)
          --backend NAME        managed (default) or mkl
          --threads N           compute threads (default: every core)

        """;

    public int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args is ["--help"] or ["-h"]) { stdout.Write(Usage); return 0; }
        var a = CliArguments.Parse(Name, args);
        string? modelDir = a.String("model");
        string? trainFile = a.String("train"), evalFile = a.String("eval"), predictFile = a.String("predict"), output = a.String("out");
        int? epochs = a.Int("epochs", min: 1, max: TrainingOptionsValidator.MaxSteps);
        var options = new BertClassifierOptions
        {
            Epochs = epochs ?? 3,
            BatchSize = a.Int("batch-size", min: 1, max: TrainingOptionsValidator.MaxBatchSize) ?? 16,
            LearningRate = a.Float("lr", min: 0, max: (float)TrainingOptionsValidator.MaxLearningRate) ?? 1e-4f,
            MaxLength = a.Int("max-length", min: 3, max: VariantSizes.MaxContextLength),
            Seed = (int)(a.ULong("seed") ?? 1337),
        };
        string? backendName = a.String("backend"); // null: LlmForge:Backend of the environment or appsettings.json
        int threads = a.Int("threads", min: 0, max: Backends.BackendOptions.MaxThreads) ?? 0;
        a.RejectUnknown();
        string directory = ModelDirectory.Require(Name, "model", modelDir);
        if (!BertDirectory.IsBert(directory))
            throw new CliException($"{Name}: '{directory}' is not a BERT directory (its config.json needs \"model_type\": \"bert\")");
        if (trainFile is null && predictFile is null)
            throw new CliException($"{Name}: give --train FILE (fine-tune) and/or --predict FILE");
        if (trainFile is null && (evalFile is not null || output is not null || epochs is not null))
            throw new CliException($"{Name}: --eval, --epochs and --out go with --train");

        var backend = BackendFactory.FromConfiguration(backendName, threads);
        var tokenizer = BertDirectory.LoadTokenizer(Name, directory);
        BertModel model;
        ClassificationMetrics? last = null;
        if (trainFile is not null)
        {
            var train = LabelledTextFile.Read(trainFile);
            var evaluation = evalFile is null ? null : LabelledTextFile.Read(evalFile);
            var labels = LabelledTextFile.Labels(train);
            if (labels.Count < 2) throw new CliException($"{Name}: --train '{trainFile}' has a single label {Printable.Quote(labels[0])}; a classifier needs two or more");
            (model, var initialized) = BertCheckpoint.LoadForClassification(directory, backend, labels, options.Seed);
            stdout.WriteLine($"classes: {string.Join(", ", labels)} ({train.Count} training examples" +
                             (evaluation is null ? ")" : $", {evaluation.Count} evaluation examples)"));
            if (initialized.Count > 0) stdout.WriteLine($"initialized: {string.Join(", ", initialized)}");
            var trainer = new BertClassifierTrainer(model, tokenizer, options);
            var history = trainer.Train(train, evaluation, stdout);
            last = history.Count > 0 ? history[^1] : null;
            if (output is not null)
            {
                BertCheckpoint.Save(model, output);
                tokenizer.Save(output);
                stdout.WriteLine($"saved to {output}");
            }
        }
        else
        {
            model = BertCheckpoint.Load(directory, backend);
            if (model.Classifier is null)
                throw new CliException($"{Name}: '{directory}' holds a {model.Heads.Architecture} without a classifier; fine-tune it with --train first");
        }

        if (predictFile is not null)
        {
            var texts = LabelledTextFile.Read(predictFile, labelsRequired: false);
            var predictor = new BertClassifierTrainer(model, tokenizer, options);
            var predictions = predictor.Predict([.. texts.Select(t => t.Text)]);
            for (int i = 0; i < texts.Count; i++)
                stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{predictions[i].Label}\t{predictions[i].Probability:F4}\t{texts[i].Text}"));
        }
        if (last is not null) stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"accuracy={last.Accuracy:F4}"));
        return 0;
    }
}
