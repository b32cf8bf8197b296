// Learn 14 — LoRA: fine-tune a small GPT to follow instructions by training 1–2 % of its size, then chat with it.
//
// Full fine-tuning updates every weight and saves a whole new model. LoRA (Hu et al. 2021; Raschka's appendix E)
// freezes the model and learns, next to chosen linear layers W, a low-rank update ΔW = (α/r)·B·A with A [r, in] and
// B [out, r]: y = W·x + (α/r)·B·A·x. B starts at zero, so training starts from the pretrained model exactly; the
// adapters are saved alone (PEFT's adapter_model.safetensors + adapter_config.json) and can be merged back into W.
// This sample:
//   1. pretrains a small GPT on plain text (the stand-in for downloaded weights);
//   2. LoRA-tunes it on a small instruction set (Alpaca prompts, loss on the responses only);
//   3. saves the adapters, merges them, saves the merged model;
//   4. chats with the merged model through Microsoft.Extensions.AI's IChatClient (LlmForgeChatClient).
//
// Usage: dotnet run -c Release --project samples/14-LoraChat [-- OUTPUT_DIR]      (14-lora-chat/{adapter,merged})
using System.Diagnostics;
using LlmForge.AI.Chat;
using LlmForge.Backends.Managed;
using LlmForge.Checkpoints;
using LlmForge.Data;
using LlmForge.Gpt;
using LlmForge.Lora;
using LlmForge.Samples;
using LlmForge.Tokenization;
using LlmForge.Training;
using Microsoft.Extensions.AI;
using ChatMessage = Microsoft.Extensions.AI.ChatMessage;

string outputDirectory = Path.Combine(SampleFiles.OutputDirectory(args), "14-lora-chat");
var clock = Stopwatch.StartNew();

// ---------------------------------------------------------------------------------------------- 0. the instruction set
// Twelve word pairs, each asked three ways; the last phrasing of four pairs is held out for validation.
(string Word, string Opposite)[] pairs =
[
    ("hot", "cold"), ("big", "small"), ("up", "down"), ("fast", "slow"), ("day", "night"), ("open", "closed"),
    ("true", "false"), ("early", "late"), ("full", "empty"), ("light", "dark"), ("old", "new"), ("first", "last"),
];
string[] phrasings = ["What is the opposite of {0}?", "Give the opposite of the word {0}.", "Name a word that means the opposite of {0}."];
var examples = pairs.SelectMany((p, i) => phrasings.Select((f, k) => (Held: k == 2 && i % 3 == 0,
    Example: new InstructionExample(string.Format(f, p.Word), "", $"The opposite of {p.Word} is {p.Opposite}.")))).ToList();
var train = examples.Where(e => !e.Held).Select(e => e.Example).ToList();
var validation = examples.Where(e => e.Held).Select(e => e.Example).ToList();

// ---------------------------------------------------------------------------------------------- 1. a small pretrained GPT
// The .NET reference documentation's prose (shipped with LlmForge), a byte-level BPE of 512 ids learned from it and the
// prompts' words, and a GPT of 4 layers × 96 dims trained 300 steps on next-token prediction.
string text = DefaultCorpus.Load().Text;
text = text[..Math.Min(text.Length, 250_000)];
var tokenizer = TokenizerTraining.Create(new TokenizerTrainingOptions { Kind = TokenizerKinds.Bpe, VocabSize = 512 },
    TokenizerCorpus.FromText(text + string.Concat(examples.Select(e => PromptTemplates.Alpaca.FormatPrompt(e.Example) + e.Example.Output + "\n"))));
int[] ids = [.. tokenizer.Encode(text)];
var (pretrainIds, heldOutIds) = TrainValidationSplit.Split(ids, 0.95);
var model = new GptModel(new GptConfig
{
    VocabSize = tokenizer.VocabSize, ContextLength = 128, EmbeddingDim = 96, Layers = 4, Heads = 4,
    EmbeddingDropRate = 0, AttentionDropRate = 0, ResidualDropRate = 0,
}, new ManagedBackend(), seed: 1);
var pretraining = new TrainingOptions
{
    MaxSteps = 300, BatchSize = 16, LearningRate = 3e-3f, MinLearningRate = 3e-4f, WarmupSteps = 40, WeightDecay = 0.1f,
    EvalInterval = 300, EvalBatches = 8, LogInterval = 300, CheckpointInterval = 0, Seed = 1,
};
var pretrained = new Trainer(CausalLanguageModeling.ForCorpus(model, pretrainIds, heldOutIds, pretraining.BatchSize, seed: 1), pretraining)
    .Train(TextWriter.Null, TextWriter.Null);
Console.WriteLine($"1. Pretrained GPT: {model.ParameterCount():N0} parameters, {pretraining.MaxSteps} steps on {pretrainIds.Length:N0} BPE tokens " +
    $"of the .NET docs: val loss {pretrained.ValidationLoss:F3} ({clock.Elapsed.TotalSeconds:F0} s)");

// ---------------------------------------------------------------------------------------------- 2. LoRA instruction tuning
// Rank 8, α 16 on every attention and MLP linear (GPT-2's c_attn, c_proj, c_fc, c_proj). Only A and B go to the
// optimizer; the base weights are frozen (no gradient is even computed for them).
var lora = new LoraOptions { Rank = 8, Alpha = 16, Targets = ["attn.qkv", "attn.proj", "mlp"] };
var adapters = LoraAdapters.Create(model, lora, seed: 2);
var instruct = new InstructionTuning(model, tokenizer, train, validation, new InstructionTuningOptions { BatchSize = 8, Seed = 3 });
var tuning = new TrainingOptions
{
    MaxSteps = 250, BatchSize = 8, LearningRate = 5e-3f, MinLearningRate = 5e-4f, WarmupSteps = 10, WeightDecay = 0,
    EvalInterval = 250, EvalBatches = instruct.EvaluationBatches, LogInterval = 250, CheckpointInterval = 0, Seed = 3,
};
var trainer = new Trainer(new LoraObjective(instruct, adapters), tuning);
double trainBefore = trainer.Evaluate(TrainingStream.TrainEvaluation), validationBefore = trainer.Evaluate(TrainingStream.Validation);
var tuned = trainer.Train(TextWriter.Null, TextWriter.Null);
Console.WriteLine($"2. LoRA r {lora.Rank}, α {lora.Alpha}: {adapters.AdapterParameterCount:N0} trainable parameters " +
    $"({100.0 * adapters.AdapterParameterCount / model.ParameterCount():F1} % of the model), {tuning.MaxSteps} steps on {train.Count} instructions");
Console.WriteLine($"   response loss, train:      {trainBefore:F3} -> {tuned.TrainLoss:F3}");
Console.WriteLine($"   response loss, validation: {validationBefore:F3} -> {tuned.ValidationLoss:F3} ({validation.Count} held-out phrasings)");

// ---------------------------------------------------------------------------------------------- 3. save, merge, save
// The adapters alone are PEFT's directory; merging folds W += (α/r)·B·A and leaves a plain GPT-2 directory.
string adapterDirectory = Path.Combine(outputDirectory, "adapter"), mergedDirectory = Path.Combine(outputDirectory, "merged");
LoraAdapterFiles.Save(adapters, adapterDirectory, baseModel: "14-lora-chat/pretrained");
Gpt2Checkpoint.Save(adapters.Merge(), mergedDirectory);
tokenizer.Save(mergedDirectory);
long adapterBytes = new FileInfo(Path.Combine(adapterDirectory, LoraAdapterFiles.WeightsFileName)).Length;
long modelBytes = new FileInfo(Path.Combine(mergedDirectory, Gpt2Checkpoint.WeightsFileName)).Length;
Console.WriteLine($"3. {LoraAdapterFiles.WeightsFileName}: {adapterBytes:N0} bytes; the merged model.safetensors: {modelBytes:N0} bytes " +
    $"({100.0 * adapterBytes / modelBytes:F1} %)");

// ---------------------------------------------------------------------------------------------- 4. chat through IChatClient
// Any Microsoft.Extensions.AI application can now use the model: the Alpaca chat format renders the conversation as the
// prompts it was tuned on; greedy decoding (temperature 0) stops at <|endoftext|> or the next "###".
using IChatClient chat = new LlmForgeChatClient(new LlmForgeChatClientOptions { ModelDirectory = mergedDirectory, ChatTemplate = "alpaca" });
var chatOptions = new ChatOptions { Temperature = 0, MaxOutputTokens = 24 };
Console.WriteLine("4. Chat (IChatClient.GetResponseAsync):");
foreach (string question in new[] { "What is the opposite of hot?", validation[0].Instruction })
{
    var response = await chat.GetResponseAsync([new ChatMessage(ChatRole.User, question)], chatOptions);
    Console.WriteLine($"   user:      {question}");
    Console.WriteLine($"   assistant: {response.Text.Trim()}");
}
Console.WriteLine($"   ({clock.Elapsed.TotalSeconds:F0} s in all; adapters in {adapterDirectory}, merged model in {mergedDirectory})");
