// Learn 4 — embeddings.
//
// A network cannot multiply a character: it first turns each token id into a vector of C numbers, row `id` of a table
// E [V, C] (V the vocabulary, C the width). This sample shows that the lookup is exactly a Linear layer applied to
// one-hot vectors (same numbers, same gradient, only far cheaper), how the library fills the table before training
// (random and small: N(0, 0.02²), as GPT-2), how to look at one row of it, and what training puts into it: characters
// that are used alike end up with vectors that point alike (nearest neighbours by cosine, and a 2-D projection).
//
// Usage: dotnet run -c Release --project samples/04-Embeddings [-- OUTPUT_DIR]      (04-embeddings-*.png)
using LlmForge.Autograd;
using LlmForge.Backends.Managed;
using LlmForge.Checkpoints;
using LlmForge.Data;
using LlmForge.Gpt;
using LlmForge.Inspection;
using LlmForge.Layers;
using LlmForge.Plotting;
using LlmForge.Samples;
using LlmForge.Tokenization;
using LlmForge.Training;
using MathNet.Numerics.LinearAlgebra;

string outputDirectory = SampleFiles.OutputDirectory(args);
var backend = new ManagedBackend();

// ---------------------------------------------------------------------------------------------- 1. a lookup is a Linear
// A toy table: V = 6 ids, C = 3 numbers each, drawn by the library's default init. Looking up ids [2, 0, 2, 5] copies
// rows 2, 0, 2 and 5. The same numbers come out of a Linear layer (y = x · Wᵀ, no bias) whose weight W [C, V] is the
// table transposed, applied to one-hot rows (a 1 at the id, 0 elsewhere): x · Wᵀ = x · E picks row `id` of E.
const int ToyVocabulary = 6, ToyWidth = 3;
int[] toyIds = [2, 0, 2, 5];
var embedding = new Embedding(new ModuleInit(backend, seed: 4), ToyVocabulary, ToyWidth);
var table = embedding.Weight;                                            // E [V, C]
var transposed = new float[ToyWidth * ToyVocabulary];                    // W = Eᵀ [C, V], a copy: its own gradient
for (int v = 0; v < ToyVocabulary; v++)
    for (int c = 0; c < ToyWidth; c++) transposed[c * ToyVocabulary + v] = table.Data[v * ToyWidth + c];
var linear = new Linear(Tensor.Parameter(Tensor.FromArray(backend, transposed, ToyWidth, ToyVocabulary)));
var oneHot = new float[toyIds.Length * ToyVocabulary];                   // [4, V]
for (int i = 0; i < toyIds.Length; i++) oneHot[i * ToyVocabulary + toyIds[i]] = 1;

var looked = embedding.Forward(toyIds);                                  // [4, C]
var multiplied = linear.Forward(Tensor.FromArray(backend, oneHot, toyIds.Length, ToyVocabulary)); // [4, V] · [V, C] = [4, C]
Console.WriteLine($"1. Embedding [{ToyVocabulary}, {ToyWidth}] vs Linear on one-hot vectors, ids {string.Join(", ", toyIds)}:");
var side = new TextTable("id", "Embedding lookup", "one-hot · Wᵀ (W = Eᵀ)");
for (int i = 0; i < toyIds.Length; i++) side.Add($"{toyIds[i]}", Row(looked, i), Row(multiplied, i));
Console.Write(side);
Console.WriteLine($"   forward: max difference {TensorChecks.MaxDifference(looked, multiplied):E1}");

// Backward: send the same upstream gradient g [4, C] into both. The lookup's gradient is g's rows added into the rows it
// read (row 2 twice, so it gets the sum); rows never looked up get exactly 0. The Linear's gradient is the same, as
// gᵀ · one-hot [C, V]: transposed back, the two agree.
var upstream = Tensor.Randn(backend, seed: 7, std: 1f, toyIds.Length, ToyWidth);
looked.Backward(upstream);
multiplied.Backward(upstream);
var linearGradient = new float[ToyVocabulary * ToyWidth];               // ∂L/∂W transposed back to [V, C]
for (int v = 0; v < ToyVocabulary; v++)
    for (int c = 0; c < ToyWidth; c++) linearGradient[v * ToyWidth + c] = linear.Weight.Grad![c * ToyVocabulary + v];
var lookupGradient = Tensor.FromArray(backend, table.Grad!, ToyVocabulary, ToyWidth);
int[] rowsWithGradient = [.. Enumerable.Range(0, ToyVocabulary).Where(v => Enumerable.Range(0, ToyWidth).Any(c => table.Grad![v * ToyWidth + c] != 0))];
var twiceLooked = new float[ToyWidth];                                   // g[0] + g[2]: both lookups of id 2
for (int c = 0; c < ToyWidth; c++) twiceLooked[c] = upstream.Data[c] + upstream.Data[2 * ToyWidth + c];
Console.WriteLine($"   backward: max difference between the two gradients {TensorChecks.MaxDifference(lookupGradient, Tensor.FromArray(backend, linearGradient, ToyVocabulary, ToyWidth)):E1}");
Console.WriteLine($"   rows with a gradient: {string.Join(", ", rowsWithGradient)} (only the ids looked up); row 2 = g[0] + g[2], max difference " +
    $"{TensorChecks.MaxDifference(Tensor.FromArray(backend, table.Grad![(2 * ToyWidth)..(3 * ToyWidth)], ToyWidth), Tensor.FromArray(backend, twiceLooked, ToyWidth)):E1}");
// Why a lookup then: the one-hot product spends V·C multiply-adds (and a V-wide input) per token to copy C numbers.
Console.WriteLine($"   cost per token: a lookup copies C numbers; one-hot · Wᵀ does V·C multiply-adds (GPT-2: 50,257 × 768 = {50_257L * 768:N0})");

// ---------------------------------------------------------------------------------------------- 2. the text, the baby GPT
// The story of the course when ../shared/data holds it, else the .NET reference docs; characters as tokens. The model is
// Learn 8's baby GPT, whose output head is tied to the table: logits = h · Eᵀ, so each row is used twice, to read a
// character in and to score it as the next one.
var (corpusName, text, tokenizer, trainIds, validationIds) = CharacterCorpus.Load();
var config = new GptConfig
{
    VocabSize = tokenizer.VocabSize, ContextLength = 64, EmbeddingDim = 64, Layers = 2, Heads = 4,
    EmbeddingDropRate = 0, AttentionDropRate = 0, ResidualDropRate = 0,
};
var model = new GptModel(config, backend, seed: 1);
int vocabulary = config.VocabSize, width = config.EmbeddingDim;
Console.WriteLine($"2. Text: {corpusName}, {text.Length:N0} characters, " +
    $"vocabulary V = {vocabulary}; baby GPT with C = {width}, {model.ParameterCount():N0} parameters, tok_emb.weight [{vocabulary}, {width}]");

// ---------------------------------------------------------------------------------------------- 3. how the table starts
// Random: every number is drawn independently from N(0, σ²). torch.nn.Embedding's own default is σ = 1; the library
// uses GPT-2's σ = 0.02 (ModuleInit.Std, config initializer_range) for every weight, the table included. The reason is
// the tied head: logits = LayerNorm(h) · Eᵀ, a sum of C products of a ~unit number by a table entry, so their spread is
// about σ·√C. With σ = 0.02 that is 0.16: the untrained model predicts nearly uniformly (loss ≈ ln V, the honest start);
// with σ = 1 it would be 8: confident, arbitrary answers and a first loss far above ln V (measured below).
var initial = ParameterView.Of(model, "tok_emb.weight");
var statistics = initial.Statistics;
Console.WriteLine($"3. Initial tok_emb.weight: {statistics.Count:N0} values, mean {statistics.Mean:F5}, std {statistics.Std:F5}, min {statistics.Min:F4}, max {statistics.Max:F4}" +
    $"   (drawn from N(0, {config.InitializerRange}²), GPT-2's initializer_range; torch.nn.Embedding would use N(0, 1))");
double[] norms = RowNorms(initial.Values, vocabulary, width);
Console.WriteLine($"   row norms ‖E[id]‖: min {norms.Min():F4}, mean {norms.Average():F4}, max {norms.Max():F4}   " +
    $"(σ·√C = {config.InitializerRange * Math.Sqrt(width):F4})");
// Random directions in 64 dimensions are nearly perpendicular: |cos| between two rows is about √(2 / (π·C)).
double[,] cosinesBefore = Cosines(initial.Values, vocabulary, width);
Console.WriteLine($"   mean |cosine| between two different rows: {MeanAbsOffDiagonal(cosinesBefore):F4}   " +
    $"(random directions: √(2/(π·C)) = {Math.Sqrt(2 / (Math.PI * width)):F4}): the vectors say nothing yet");
// The same untrained model with its table redrawn as torch.nn.Embedding would (×50: N(0, 0.02²) → N(0, 1)), scored by
// the Trainer on the same validation batches as the real one.
var options = new TrainingOptions
{
    MaxSteps = 150, BatchSize = 16, LearningRate = 3e-3f, MinLearningRate = 3e-4f, WarmupSteps = 30,
    EvalInterval = 150, EvalBatches = 10, LogInterval = 100, CheckpointInterval = 0, WeightDecay = 0.1f, Seed = 1,
};
Trainer TrainerOf(GptModel m) => new(CausalLanguageModeling.ForCorpus(m, trainIds, validationIds, options.BatchSize, seed: 1), options);
var trainer = TrainerOf(model);
double validationBefore = trainer.Evaluate(TrainingStream.Validation);
var torchLike = new GptModel(config, backend, seed: 1);
foreach (ref float v in torchLike.TokenEmbedding.Weight.Span) v *= 1 / config.InitializerRange;
double torchLikeLoss = TrainerOf(torchLike).Evaluate(TrainingStream.Validation);
Console.WriteLine($"   untrained val loss: σ = {config.InitializerRange}: {validationBefore:F4} (ln V = {Math.Log(vocabulary):F4}, a uniform guess); " +
    $"σ = 1: {torchLikeLoss:F4}");

// ---------------------------------------------------------------------------------------------- 4. one row: the N-th embedding
// "The embedding of 'e'" is row id('e') of the table; ParameterView shows one row with its statistics (what
// `llmforge inspect --param tok_emb.weight --row N` prints), and it is what the lookup returns for that id.
int eId = tokenizer.Encode("e")[0];
var row = ParameterView.Of(model, "tok_emb.weight", row: eId);
var lookedUp = model.TokenEmbedding.Forward([eId]);
Console.WriteLine($"4. Row {eId} ('e') of tok_emb.weight [{string.Join(", ", row.Shape)}]: {row.Values.Length} values, first 8: " +
    string.Join(" ", row.Values.Take(8).Select(v => v.ToString("+0.0000;-0.0000"))));
Console.WriteLine($"   mean {row.Statistics.Mean:F5}, std {row.Statistics.Std:F5}, norm {norms[eId]:F4}; " +
    $"the lookup of id {eId}: max difference {TensorChecks.MaxDifference(lookedUp, Tensor.FromArray(backend, row.Values, 1, width)):E1}");

// ---------------------------------------------------------------------------------------------- 5. train, then compare
// Training as in Learn 8 (the library's Trainer with CausalLanguageModeling: random windows, next-character loss,
// AdamW, warm-up then cosine), shorter. The rows move so that characters that are followed and preceded by the same
// things get similar vectors: their cosine similarity (the angle between them, whatever their lengths) grows.
// Probes: two vowels, two consonants, punctuation, the space, and a digit when the text has one.
string[] probes = ["a", "e", "t", "s", ",", " ", .. tokenizer.Characters.Contains('0') ? ["0"] : Array.Empty<string>()];
Console.WriteLine($"5. Training {options.MaxSteps} steps of {options.BatchSize} × {config.ContextLength} characters (as Learn 8, shorter)");
PrintNeighbours("   before training, nearest by cosine:", cosinesBefore);
double cohesionBefore = VowelCohesion(cosinesBefore);
var result = trainer.Train(TextWriter.Null, TextWriter.Null);
Console.WriteLine($"   val loss {validationBefore:F4} → {result.ValidationLoss:F4} in {result.Elapsed.TotalSeconds:F1} s");
var trained = ParameterView.Of(model, "tok_emb.weight");
double[,] cosinesAfter = Cosines(trained.Values, vocabulary, width);
PrintNeighbours("   after training, nearest by cosine:", cosinesAfter);
double cohesionAfter = VowelCohesion(cosinesAfter);
// The measure: mean cosine among the vowels a e i o u minus their mean cosine to the lowercase consonants. Random rows
// give about 0; if training groups vowels (they fill the same slots between consonants) it rises.
Console.WriteLine($"   vowel cohesion (mean cos vowel–vowel − vowel–consonant): before {cohesionBefore:F4}, after {cohesionAfter:F4}");
Console.WriteLine($"   trained tok_emb.weight: std {trained.Statistics.Std:F4} (was {statistics.Std:F4}), mean |cosine| {MeanAbsOffDiagonal(cosinesAfter):F4}");

// ---------------------------------------------------------------------------------------------- 6. a 2-D picture
// C = 64 dimensions cannot be drawn; principal component analysis keeps the two directions along which the rows spread
// most: centre the rows (subtract the mean row), take the SVD E − mean = U Σ Vᵀ, and plot each row's coordinates on the
// first two right singular vectors (U Σ's first two columns). Σ² says how much of the spread each direction holds.
// What to look for: before training a shapeless cloud (two random directions hold little of the spread); after it the
// vowels sit together, the consonants beside them, punctuation apart, and the rare characters (capitals, j q x z)
// bunch up at one end: the tied head pushed all of them the same way, as characters the model should seldom predict.
foreach (var (stage, values) in (ReadOnlySpan<(string, float[])>)[("before", initial.Values), ("after", trained.Values)])
{
    var (x, y, share) = Project(values, vocabulary, width);
    string png = PngChart.Scatter(Path.Combine(outputDirectory, $"04-embeddings-{stage}.png"),
        $"Character embeddings {stage} training (PCA: {share:P0} of the spread)",
        "principal component 1", "principal component 2", Groups(x, y));
    Console.WriteLine($"{(stage == "before" ? "6." : "  ")} PCA {stage} training: PC1 + PC2 hold {share:P1} of the variance; {png}");
}

// ---------------------------------------------------------------------------------------------- helpers
// One row of a [rows, C] tensor, printed.
static string Row(Tensor t, int row)
{
    int c = t.Shape[^1];
    return string.Join(" ", t.Data.Skip(row * c).Take(c).Select(v => v.ToString("+0.0000;-0.0000")));
}

// ‖E[id]‖ for every row of a [V, C] table.
static double[] RowNorms(float[] values, int rows, int columns) =>
    [.. Enumerable.Range(0, rows).Select(r => Math.Sqrt(values.AsSpan(r * columns, columns).ToArray().Sum(v => (double)v * v)))];

// cos(a, b) = a · b / (‖a‖ ‖b‖) for every pair of rows: [V, V].
static double[,] Cosines(float[] values, int rows, int columns)
{
    double[] norm = RowNorms(values, rows, columns);
    var result = new double[rows, rows];
    for (int a = 0; a < rows; a++)
        for (int b = 0; b < rows; b++)
        {
            double dot = 0;
            for (int c = 0; c < columns; c++) dot += (double)values[a * columns + c] * values[b * columns + c];
            result[a, b] = dot / (norm[a] * norm[b]);
        }
    return result;
}

static double MeanAbsOffDiagonal(double[,] cosines)
{
    int n = cosines.GetLength(0);
    double sum = 0;
    for (int a = 0; a < n; a++)
        for (int b = 0; b < n; b++)
            if (a != b) sum += Math.Abs(cosines[a, b]);
    return sum / (n * (n - 1.0));
}

// The five nearest rows of each probe character, with their cosines.
void PrintNeighbours(string heading, double[,] cosines)
{
    Console.WriteLine(heading);
    foreach (string probe in probes)
    {
        int id = tokenizer.Encode(probe)[0];
        var nearest = Enumerable.Range(0, vocabulary).Where(o => o != id).OrderByDescending(o => cosines[id, o]).Take(5);
        Console.WriteLine($"   {Show(probe),-4} → " + string.Join("  ", nearest.Select(o => $"{Show(tokenizer.Decode([o]))} {cosines[id, o]:+0.00;-0.00}")));
    }
}

// Mean cosine among the vowels minus their mean cosine to the consonants (lowercase letters of the vocabulary).
double VowelCohesion(double[,] cosines)
{
    var letters = Enumerable.Range(0, vocabulary).Select(id => (Id: id, Text: tokenizer.Decode([id])))
        .Where(t => t.Text.Length == 1 && t.Text[0] is >= 'a' and <= 'z').ToArray();
    int[] vowels = [.. letters.Where(t => "aeiou".Contains(t.Text[0])).Select(t => t.Id)];
    int[] consonants = [.. letters.Where(t => !"aeiou".Contains(t.Text[0])).Select(t => t.Id)];
    double within = vowels.SelectMany(a => vowels.Where(b => b != a).Select(b => cosines[a, b])).Average();
    double across = vowels.SelectMany(a => consonants.Select(b => cosines[a, b])).Average();
    return within - across;
}

// The rows' coordinates on the first two principal components, and the share of the variance those two hold.
static (double[] X, double[] Y, double Share) Project(float[] values, int rows, int columns)
{
    var matrix = Matrix<double>.Build.Dense(rows, columns, (r, c) => values[r * columns + c]);
    var mean = matrix.ColumnSums() / rows;
    var centred = Matrix<double>.Build.Dense(rows, columns, (r, c) => matrix[r, c] - mean[c]);
    var svd = centred.Svd(computeVectors: true);
    var scores = centred * svd.VT.SubMatrix(0, 2, 0, columns).Transpose(); // [V, 2] = U Σ's first two columns
    double total = svd.S.Sum(v => v * v);
    return ([.. scores.Column(0)], [.. scores.Column(1)], (svd.S[0] * svd.S[0] + svd.S[1] * svd.S[1]) / total);
}

// The points grouped by kind of character, each labelled by its character (space and newline made visible).
List<ScatterSeries> Groups(double[] x, double[] y)
{
    string Kind(string t) => t.Length != 1 ? "other" : t[0] switch
    {
        >= 'a' and <= 'z' when "aeiou".Contains(t[0]) => "vowels",
        >= 'a' and <= 'z' => "consonants",
        >= 'A' and <= 'Z' => "capitals",
        >= '0' and <= '9' => "digits",
        _ => "space, punctuation, other",
    };
    return [.. Enumerable.Range(0, vocabulary).GroupBy(id => Kind(tokenizer.Decode([id])))
        .OrderBy(g => g.Key switch { "vowels" => 0, "consonants" => 1, "capitals" => 2, "digits" => 3, _ => 4 })
        .Select(g => new ScatterSeries(g.Key, [.. g.Select(id => x[id])], [.. g.Select(id => y[id])], [.. g.Select(id => Show(tokenizer.Decode([id])))]))];
}

static string Show(string token) => token switch { " " => "␣", "\n" => "\\n", "\t" => "\\t", _ => token };
