using LlmForge.Backends;
using LlmForge.Checkpoints;
using LlmForge.Cli.Hosting;
using LlmForge.Tokenization;
using LlmForge.Training;

namespace LlmForge.Cli.Commands.Bert;

/// <summary>
/// The classifier <c>classify</c> works with, whatever the directory holds: a BERT's (the pooled [CLS] state) or a GPT's
/// (the last token, GPT2ForSequenceClassification), with what a new head left initialized and how to save it.
/// </summary>
public sealed record ClassifierDirectory(ITextClassifier Classifier, IReadOnlyList<string> Initialized, Action<string> Save)
{
    /// <summary>The directory's model with a classifier for <paramref name="labels"/> (kept when saved for them, else new).</summary>
    public static ClassifierDirectory ForTraining(string command, string directory, ITensorBackend backend, IReadOnlyList<string> labels, BertClassifierOptions options)
    {
        if (BertDirectory.IsBert(directory))
        {
            var tokenizer = BertDirectory.LoadTokenizer(command, directory);
            var (model, initialized) = BertCheckpoint.LoadForClassification(directory, backend, labels, options.Seed);
            return new(new BertTextClassifier(model, tokenizer, options.MaxLength), initialized, output => { BertCheckpoint.Save(model, output); tokenizer.Save(output); });
        }
        var gptTokenizer = GptTokenizer(command, directory);
        var (classifier, fresh) = GptClassifierCheckpoint.LoadForClassification(directory, backend, labels, PadId(gptTokenizer), options.Seed);
        return new(new GptTextClassifier(classifier, gptTokenizer, options.MaxLength), fresh,
            output => { GptClassifierCheckpoint.Save(classifier, output); gptTokenizer.Save(output); });
    }

    /// <summary>The classifier the directory already holds.</summary>
    public static ITextClassifier Load(string command, string directory, ITensorBackend backend, BertClassifierOptions options)
    {
        if (BertDirectory.IsBert(directory))
        {
            var model = BertCheckpoint.Load(directory, backend);
            if (model.Classifier is null)
                throw new CliException($"{command}: '{directory}' holds a {model.Heads.Architecture} without a classifier; fine-tune it with --train first");
            return new BertTextClassifier(model, BertDirectory.LoadTokenizer(command, directory), options.MaxLength);
        }
        if (!GptClassifierCheckpoint.IsClassifier(directory))
            throw new CliException($"{command}: '{directory}' holds a causal language model without a classifier; fine-tune it with --train first");
        return new GptTextClassifier(GptClassifierCheckpoint.Load(directory, backend), GptTokenizer(command, directory), options.MaxLength);
    }

    /// <summary>A GPT directory's tokenizer; a directory that is neither a BERT's nor a GPT's is named.</summary>
    private static ITokenizer GptTokenizer(string command, string directory)
    {
        if (!File.Exists(ModelDirectory.ConfigPath(directory)))
            throw new CliException($"{command}: '{directory}' has no config.json: give a BERT or GPT model directory");
        ModelDirectory.LoadConfig(directory); // a config.json of another model is named before anything else loads
        return ModelDirectory.LoadTokenizer(directory)
            ?? throw new CliException($"{command}: no tokenizer files in '{directory}' (vocab.json + merges.txt, a char tokenizer, …)");
    }

    /// <summary>The tokenizer's end-of-text id pads (GPT-2's &lt;|endoftext|&gt;); null: the directory's pad_token_id or eos_token_id.</summary>
    private static int? PadId(ITokenizer tokenizer) => tokenizer.EndOfTextId;
}
