// Learn 10 — BERT: an encoder that reads both ways.
//
// A GPT reads left to right: its causal mask hides every later token, so it can write text one token at a time. BERT
// (Devlin et al., 2018) keeps the same blocks — attention, feed-forward, shortcuts, LayerNorm — but drops the mask:
// every token sees the whole sentence, before and after it. It can no longer be trained by "guess the next token" (the
// answer would be in plain sight), so it is trained by a cloze test instead — hide some tokens, guess them from both
// sides: masked-language modelling. What it learns is then reused: a small head on the [CLS] token's vector,
// fine-tuned on a few labelled sentences, turns the encoder into a classifier.
//
// This chapter does all of it on a small text the machine already has — sentences of the .NET reference documentation
// about collections and about networking (LlmForge.Data.DefaultCorpus's files) — with the library's pieces:
// WordPieceTrainer, BertModel, MlmMasker, MaskedLanguageModeling and the Trainer, FillMask, BertCheckpoint and
// BertClassifierTrainer (the Trainer with the SequenceClassification objective).
//
// Usage: dotnet run -c Release --project samples/10-Bert [-- OUTPUT_DIR]      (10-bert-attention.png, 10-bert-training.png)
using System.Text.RegularExpressions;
using LlmForge.Backends.Managed;
using LlmForge.Bert;
using LlmForge.Checkpoints;
using LlmForge.Data;
using LlmForge.Inspection;
using LlmForge.Plotting;
using LlmForge.Randomness;
using LlmForge.Samples;
using LlmForge.Tokenization;
using LlmForge.Training;

string outputDirectory = SampleFiles.OutputDirectory(args);
var backend = new ManagedBackend();

// ---------------------------------------------------------------------------------------------- 1. the text: two sources
// The first 400 sentences (6 to 30 words) of the documentation files of each of two families, labelled by the family
// they come from. They are shuffled once with a fixed seed, then split: 80 % to learn from (the masked-LM's text and the classifier's training
// set), 20 % held out (the masked-LM's validation text and the classifier's test set), so no score below is measured
// on a sentence the model has seen.
var corpus = DefaultCorpus.Load();
string[] labels = ["collections", "networking"];
var bySource = new Dictionary<string, List<string>>
{
    [labels[0]] = Sentences(corpus.Files.Where(f => Path.GetFileName(f).StartsWith("System.Collections", StringComparison.Ordinal))),
    [labels[1]] = Sentences(corpus.Files.Where(f => Path.GetFileName(f).StartsWith("System.Net.", StringComparison.Ordinal))),
};
const int PerSource = 400; // the same number from each family: a classifier that always answers one label scores 50 %
var pool = labels.SelectMany(label => bySource[label].Take(PerSource).Select(s => (Text: s, Label: label))).ToArray();
int[] order = [.. Enumerable.Range(0, pool.Length)];
new SplitMix64(10).Shuffle(order);
var examples = order.Select(i => pool[i]).ToArray();
int trainCount = examples.Length * 8 / 10;
var train = examples[..trainCount].Select((e, i) => new LabelledText(e.Text, e.Label, i + 1)).ToList();
var test = examples[trainCount..].Select((e, i) => new LabelledText(e.Text, e.Label, i + 1)).ToList();
string trainText = string.Join("\n", train.Select(e => e.Text)), testText = string.Join("\n", test.Select(e => e.Text));
Console.WriteLine($"1. Text: sentences of the .NET reference docs, {PerSource} about {labels[0]} (System.Collections*.xml) and {PerSource} " +
    $"about {labels[1]} (System.Net.*.xml); {train.Count} to learn from ({trainText.Length:N0} characters), {test.Count} held out");
Console.WriteLine($"   e.g. [{examples[0].Label}] {examples[0].Text}");

// ---------------------------------------------------------------------------------------------- 2. WordPiece
// BERT's tokenizer: lower-cased words split on spaces and punctuation, then each word cut greedily into the longest
// pieces of the vocabulary, a piece inside a word marked "##". The vocabulary is learned from the text (frequent pairs
// merged, as BPE does), after five special tokens: [PAD] fills short rows, [UNK] an unknown character, [CLS] starts
// every input (its final vector stands for the whole sentence), [SEP] ends it, [MASK] hides a token.
var wordPiece = WordPieceTrainer.Train(trainText, new WordPieceTrainerOptions { VocabSize = 1000 });
int[] trainIds = [.. wordPiece.Encode(trainText, allowSpecialTokens: false)];
int[] testIds = [.. wordPiece.Encode(testText, allowSpecialTokens: false)];
Console.WriteLine($"2. WordPiece: vocabulary {wordPiece.VocabSize} ({string.Join(" ", wordPiece.SpecialTokens.OrderBy(s => s.Value).Select(s => $"{s.Key}={s.Value}"))}); " +
    $"{trainIds.Length:N0} train tokens, {testIds.Length:N0} held-out");
const string Example = "Represents a thread-safe collection of key/value pairs.";
Console.WriteLine($"   \"{Example}\" → {string.Join(" ", wordPiece.EncodeForModel(Example).InputIds.Select(wordPiece.TokenOf))}");

// ---------------------------------------------------------------------------------------------- 3. the encoder
// BERT's layout at toy size: token + position + segment embeddings (summed, then LayerNorm), 2 post-LN blocks of
// 4 heads (width 64, feed-forward 256, GELU), a masked-LM head whose decoder is the token embedding table (tied). No
// dropout: a run of 160 steps does not overfit enough to need it.
const int T = 32; // tokens per input, [CLS] and [SEP] included (BERT-base: 512)
var config = new BertConfig
{
    VocabSize = wordPiece.VocabSize, HiddenSize = 64, Layers = 2, Heads = 4, IntermediateSize = 256, MaxPositions = T,
    PadTokenId = wordPiece.PaddingId, HiddenDropRate = 0, AttentionDropRate = 0,
};
var model = new BertModel(config, backend, BertHeads.MaskedLanguageModel, seed: 1);
Console.WriteLine($"3. BERT: {config.Layers} layers × {config.Heads} heads, width {config.HiddenSize}, feed-forward {config.IntermediateSize}, " +
    $"T = {T}, {model.ParameterCount():N0} parameters (BERT-base: 12 × 12, width 768, 110 M)");

// ---------------------------------------------------------------------------------------------- 4. the masking rule
// Each real token is chosen for prediction with probability 15 %. A chosen token becomes [MASK] 80 % of the time, a
// random token 10 %, and stays itself 10 %: the model cannot learn "predict only where I see [MASK]" (there is no [MASK]
// when it is used later), and must keep a useful vector for every token. The loss counts the chosen positions only.
// Rows are [CLS] + 30 tokens of running text + [SEP]; below, one batch of 64 rows, counted (a random replacement that
// happens to draw the token itself counts as kept).
const int BatchSize = 16;
var masker = new MlmMasker(wordPiece.VocabSize, wordPiece.MaskId, wordPiece.SpecialTokens.Values);
MlmBatchSource Rows(int[] ids, bool shuffle, int seed, int batchSize = BatchSize) =>
    MlmBatchSource.FromTokenIds(ids, T, batchSize, masker, wordPiece.ClassificationId, wordPiece.SeparatorId, shuffle, seed);
var look = Rows(trainIds, shuffle: false, seed: 4, batchSize: 64).NextBatch();
int eligible = 0, chosen = 0, masked = 0, random = 0, kept = 0;
for (int i = 0; i < look.InputIds.Length; i++)
{
    int original = look.Labels[i] != MlmBatch.IgnoreIndex ? look.Labels[i] : look.InputIds[i];
    if (look.AttentionMask[i] == 0 || wordPiece.SpecialTokens.Values.Contains(original)) continue; // [CLS], [SEP], padding: never chosen
    eligible++;
    if (look.Labels[i] == MlmBatch.IgnoreIndex) continue;
    chosen++;
    if (look.InputIds[i] == wordPiece.MaskId) masked++;
    else if (look.InputIds[i] != look.Labels[i]) random++;
    else kept++;
}
Console.WriteLine($"4. Masking one batch of {look.BatchSize} rows × {look.SequenceLength}: {eligible:N0} real tokens, {chosen} chosen ({Percent(chosen, eligible)}): " +
    $"[MASK] {masked} ({Percent(masked, chosen)}), random {random} ({Percent(random, chosen)}), kept {kept} ({Percent(kept, chosen)})");
Console.WriteLine($"   row 0 as the model sees it: {string.Join(" ", look.InputIds.Take(16).Select(wordPiece.TokenOf))} …");
Console.WriteLine($"   and what it must predict:   {string.Join(" ", look.Labels.Take(16).Select(l => l == MlmBatch.IgnoreIndex ? "·" : wordPiece.TokenOf(l)))} …");

// ---------------------------------------------------------------------------------------------- 5. fill-mask, untrained
// FillMask encodes [CLS] text [SEP], runs the masked-LM head and takes the softmax at each [MASK] (Hugging Face's
// fill-mask pipeline). The sentences are of the docs' most frequent kinds ("Gets or sets …" opens a hundred of them).
// Untrained, every token is about as likely as any other: 1/1000 each.
string[] cloze =
[
    "Gets or [MASK] the value of the header.",
    "Initializes a new [MASK] of the HttpClient class.",
    "Returns an [MASK] that iterates through the collection.",
    "Gets the [MASK] of elements contained in the set.",
];
Console.WriteLine("5. Fill-mask before training (top 3 and their probabilities):");
foreach (string sentence in cloze) Console.WriteLine(FillLine(sentence));

// ---------------------------------------------------------------------------------------------- 6. masked-LM pretraining
// The library's Trainer runs the loop (AdamW, warm-up then cosine, clipping, evaluations); MaskedLanguageModeling says
// what is learned: the cross-entropy of the original token at the chosen positions. Its validation batches come from
// the held-out sentences and are masked the same way at every evaluation, so the curve compares like with like.
// What comes first is cheap: which tokens are frequent. A model that knows nothing else — the train text's token
// frequencies (add-one) — scores the held-out tokens at the "unigram" loss printed below; getting under it means using
// the context, which takes far more than the 160 steps this chapter affords (BERT-base: 1 M steps of 256 × 512 tokens).
var options = new TrainingOptions
{
    MaxSteps = 160, BatchSize = BatchSize, LearningRate = 2e-3f, MinLearningRate = 2e-4f, WarmupSteps = 20, WeightDecay = 0.01f,
    EvalInterval = 20, EvalBatches = 4, LogInterval = 100, CheckpointInterval = 0, Seed = 1,
};
var objective = new MaskedLanguageModeling(model, Rows(trainIds, true, 1), Rows(trainIds, true, 2), Rows(testIds, false, 3));
var trainer = new Trainer(objective, options);
double uniform = Math.Log(wordPiece.VocabSize), unigram = Unigram(trainIds, testIds), before = trainer.Evaluate(TrainingStream.Validation);
Console.WriteLine($"6. Masked-LM pretraining: {options.MaxSteps} steps of {BatchSize} rows × {T} tokens (AdamW, lr {options.LearningRate:G3})");
Console.WriteLine($"   MLM val loss before = {before:F4}   (ln {wordPiece.VocabSize} = {uniform:F4}: a uniform guess; token frequencies alone: {unigram:F4})");
var reports = new TrainingReports();
var result = trainer.Train(TextWriter.Null, TextWriter.Null, progress: reports);
foreach (var p in reports.Evaluations.Where(p => p.Step % 40 == 0))
    Console.WriteLine($"   step {p.Step,4}: train {p.TrainLoss:F3}, val {p.ValidationLoss:F3}, {p.Elapsed.TotalSeconds:F1} s");
Console.WriteLine($"   MLM val loss after = {result.ValidationLoss:F4}   (perplexity {Math.Exp(result.ValidationLoss):F1} of {wordPiece.VocabSize} tokens), " +
    $"{result.Elapsed.TotalSeconds:F1} s");

Console.WriteLine("   Fill-mask after training (the frequent tokens come first; the context-specific answers, \"sets\", \"instance\", take far longer):");
foreach (string sentence in cloze) Console.WriteLine(FillLine(sentence));

// The masked-LM curves: the batch loss of every step (noisy: about 70 masked tokens each), the validation loss at every
// evaluation (from step 0, untrained), and the two references: a uniform guess and the unigram frequencies.
string trainingPng = PngChart.Lines(Path.Combine(outputDirectory, "10-bert-training.png"), "BERT: masked-LM pretraining on the docs' sentences",
    "step", "cross-entropy of the masked tokens (nats)",
[
    reports.BatchLoss("train (batch)"),
    reports.Validation("validation", before),
    new LineSeries($"uniform guess (ln {wordPiece.VocabSize})", [0, options.MaxSteps], [uniform, uniform]),
    new LineSeries("token frequencies (unigram)", [0, options.MaxSteps], [unigram, unigram]),
]);
Console.WriteLine($"   loss curves: {trainingPng}");

// ---------------------------------------------------------------------------------------------- 7. attention goes both ways
// The same forward pass, asked for its attention probabilities (as Hugging Face's output_attentions): computed by the
// unfused path only when asked, (B, heads, T, T) per layer. Row i is token i's weights over every token; in a GPT
// everything right of the diagonal is 0. Here it is not.
const string Probe = "Removes all elements from the collection.";
var probe = wordPiece.EncodeForModel(Probe);
string[] probeTokens = [.. probe.InputIds.Select(wordPiece.TokenOf)];
int n = probe.Length;
var attentions = model.Encode(new BertInput(probe.InputIds, 1, n, probe.TokenTypeIds, probe.AttentionMask), ForwardOutputs.Attentions).Attentions!;
float[] layer0 = attentions[0].Data; // [1, heads, n, n]: head h, query i, key j at (h·n + i)·n + j
int query = Array.IndexOf(probeTokens, "elements") is >= 0 and var at ? at : n / 2; // a token in the middle
Console.WriteLine($"7. Attention of layer 1 on \"{Probe}\" ({n} tokens): row of the query \"{probeTokens[query]}\" (position {query}), head 1:");
Console.WriteLine("   " + string.Join("  ", probeTokens.Select((t, j) => $"{t} {layer0[query * n + j]:F2}")));
double earlier = 0, later = 0;
for (int h = 0; h < config.Heads; h++)
    for (int j = 0; j < n; j++)
        if (j < query) earlier += layer0[(h * n + query) * n + j] / config.Heads;
        else if (j > query) later += layer0[(h * n + query) * n + j] / config.Heads;
Console.WriteLine($"   averaged over the {config.Heads} heads: weight on earlier tokens {earlier:F3}, on itself {1 - earlier - later:F3}, on later tokens {later:F3} (a GPT: 0)");
double upper = 0;
for (int h = 0; h < config.Heads; h++)
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) upper += layer0[(h * n + i) * n + j];
Console.WriteLine($"   every query, every head of layer 1: mean weight above the diagonal (on later tokens) = {upper / (config.Heads * n):F3}");
var cells = new double[n, n];
for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
        for (int h = 0; h < config.Heads; h++) cells[i, j] += layer0[(h * n + i) * n + j] / config.Heads;
string attentionPng = PngChart.Heatmap(Path.Combine(outputDirectory, "10-bert-attention.png"),
    "BERT layer 1, mean of 4 heads: no causal triangle", "key (attended to)", "query (attending)", cells, "weight",
    columnLabels: probeTokens, rowLabels: probeTokens);
Console.WriteLine($"   heat map: {attentionPng}");

// ---------------------------------------------------------------------------------------------- 8. fine-tuning a classifier
// Hugging Face's recipe: save the pretrained encoder, load it "for sequence classification" — the masked-LM head is
// dropped, a pooler (tanh(dense) on [CLS]) and a linear classifier [64 → 2] are added, freshly initialized — then
// train the whole network on the labelled sentences, a few epochs. BertClassifierTrainer runs the Trainer
// with the SequenceClassification objective, one evaluation of the held-out set per epoch.
string pretrained = Path.Combine(outputDirectory, "10-bert-mlm");
BertCheckpoint.Save(model, pretrained);
wordPiece.Save(pretrained);
var (classifier, initialized) = BertCheckpoint.LoadForClassification(pretrained, backend, labels, seed: 2);
Console.WriteLine($"8. Classifier: the pretrained encoder from {pretrained}, newly initialized: {string.Join(", ", initialized)}");
var fineTuning = new BertClassifierTrainer(classifier, wordPiece, new BertClassifierOptions { Epochs = 3, BatchSize = 16, LearningRate = 2e-3f, Seed = 1 });
var untrained = fineTuning.Evaluate(test);
Console.WriteLine($"   test accuracy before fine-tuning = {untrained.Accuracy:F4}   ({untrained.Correct}/{untrained.Total}; two balanced classes: 0.5 is chance)");
var epochs = fineTuning.Train(train, test, TextWriter.Null);
for (int e = 0; e < epochs.Count; e++) Console.WriteLine($"   epoch {e + 1}: test {epochs[e]}");
var tuned = epochs[^1];
Console.WriteLine($"   test accuracy after fine-tuning = {tuned.Accuracy:F4}   ({tuned.Correct}/{tuned.Total})");
// Where it errs: rows are the true label, columns the predicted one.
var predicted = fineTuning.Predict([.. test.Select(e => e.Text)]);
var confusion = new TextTable(["true \\ predicted", .. labels]);
foreach (string label in labels)
    confusion.Add([label, .. labels.Select(p => test.Where((e, i) => e.Label == label && predicted[i].Label == p).Count().ToString())]);
Console.Write(confusion);
string[] fresh = ["Adds an object to the end of the queue.", "Gets the IP address of the remote host."];
foreach (var (text, (label, probability)) in fresh.Zip(fineTuning.Predict(fresh))) Console.WriteLine($"   \"{text}\" → {label} ({probability:P0})");


// ---------------------------------------------------------------------------------------------- the pieces

// The sentences of the prose paragraphs of these documentation files: split after ". " before a capital, kept when
// 6 to 30 words long, each once, in file order.
static List<string> Sentences(IEnumerable<string> files)
{
    var seen = new HashSet<string>(StringComparer.Ordinal);
    var sentences = new List<string>();
    foreach (string file in files.Order(StringComparer.Ordinal))
    {
        using var reader = new StreamReader(file);
        foreach (string paragraph in XmlDocText.ExtractParagraphs(reader).Where(XmlDocText.LooksLikeProse))
            foreach (string sentence in Regex.Split(paragraph, @"(?<=\.)\s+(?=[A-Z])"))
            {
                int words = sentence.Split(' ').Length;
                if (words is >= 6 and <= 30 && sentence.EndsWith('.') && seen.Add(sentence)) sentences.Add(sentence);
            }
    }
    return sentences;
}

// One fill-mask line: the sentence, then the top 3 tokens for its [MASK] with their probabilities.
string FillLine(string sentence) =>
    $"   {sentence,-78} → " + string.Join(", ", FillMask.Predict(model, wordPiece, sentence, topK: 3)[0].Candidates.Select(c => $"{c.Token} {c.Probability:F3}"));

// The cross-entropy of the held-out tokens under the train tokens' frequencies, add-one smoothed: the best a model can
// do without looking at the context (the masked positions are random, so their tokens are the held-out tokens' mix).
double Unigram(int[] trainTokens, int[] heldOut)
{
    var counts = new double[wordPiece.VocabSize];
    Array.Fill(counts, 1);
    foreach (int id in trainTokens) counts[id]++;
    double total = counts.Sum();
    return heldOut.Average(id => -Math.Log(counts[id] / total));
}

static string Percent(int part, int whole) => $"{100.0 * part / whole:F1} %";
