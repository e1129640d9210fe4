using System.Diagnostics;
using System.Text.Json;
using FaceNetML.Embedding;
using FaceNetML.Imaging;
using FaceNetML.Models;
using FaceNetML.Trainers.FastFaceNet.Initialisation;
using FaceNetML.Trainers.Native;
using FaceNetML.Verification;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FaceNetML.Trainers.FastFaceNet;

public enum FastFaceNetOptimizer { AdaGrad, Adam, Sgd }

/// <summary>Where the weights start: random (the paper) or, at θ = 1 only, a face detector's MobileNet-v1 (<see cref="FaceDetectorBackbone"/>).</summary>
public enum FastFaceNetInitialisation { Random, FaceDetector }

/// <summary>Learning rate over the run: constant (the paper's AdaGrad) or cosine decay to zero at the last step.</summary>
public enum LearningRateSchedule { Constant, Cosine }

/// <summary>Options of <see cref="FastFaceNetTrainer"/> (defaults follow the paper where it says).</summary>
public sealed record FastFaceNetOptions
{
    /// <summary>Width multiplier θ (0.25, 0.5, 0.75, 1 in the paper).</summary>
    public double Width { get; init; } = 0.75;
    /// <summary>Square input side: 224 in the paper; 112 or 160 for speed.</summary>
    public int InputSize { get; init; } = 112;
    public int EmbeddingSize { get; init; } = 128;
    public int Epochs { get; init; } = 10;
    /// <summary>Steps per epoch (0: images / batch size).</summary>
    public int StepsPerEpoch { get; init; }
    /// <summary>P: identities per batch.</summary>
    public int IdentitiesPerBatch { get; init; } = 16;
    /// <summary>K: images per identity (P x K = 64, the paper's batch).</summary>
    public int ImagesPerIdentity { get; init; } = 4;
    public FastFaceNetOptimizer Optimizer { get; init; } = FastFaceNetOptimizer.AdaGrad;
    /// <summary>Learning rate (0.02 with AdaGrad, as in the paper).</summary>
    public double LearningRate { get; init; } = 0.02;
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Constant;
    public FastFaceNetInitialisation Initialisation { get; init; } = FastFaceNetInitialisation.Random;
    /// <summary>Model store the face-detector backbone is fetched into (null: <see cref="ModelStore.Default"/>).</summary>
    public ModelStore? Store { get; init; }
    /// <summary>Triplet margin α on squared distances.</summary>
    public float Margin { get; init; } = 0.2f;
    public float TripletWeight { get; init; } = 1f;
    /// <summary>Weight of relational distillation: mean squared difference between the student's and the teacher's cosine-similarity matrices of the batch (needs teacher embeddings in the data).</summary>
    public float SimilarityDistillationWeight { get; init; } = 1f;
    /// <summary>Weight of direct distillation: squared L2 between a learned linear projection of the student embedding (to the teacher's size, renormalised) and the teacher embedding.</summary>
    public float ProjectionDistillationWeight { get; init; } = 1f;
    public AugmentationOptions Augmentation { get; init; } = new();
    public int Seed { get; init; } = 1;
    /// <summary>libtorch intra-op threads (1 is fastest on a shared machine).</summary>
    public int Threads { get; init; } = 1;
    /// <summary>Folder for checkpoints (null: none). Written each epoch, at the end and when the time limit stops training.</summary>
    public string? CheckpointDirectory { get; init; }
    /// <summary>Continue from the checkpoint in <see cref="CheckpointDirectory"/> when it matches these options.</summary>
    public bool Resume { get; init; } = true;
    /// <summary>Stop (and checkpoint) once this much time has passed.</summary>
    public TimeSpan? TimeLimit { get; init; }
    /// <summary>Unlabelled faces added to each P x K batch when unlabelled crops are given (distillation only: each is its
    /// own identity, so it is never a positive and may be a negative).</summary>
    public int UnlabelledPerBatch { get; init; } = 16;
    /// <summary>Call the evaluation callback of <see cref="FastFaceNetTrainer.Train"/> every this many steps (0: never).</summary>
    public int EvaluateEvery { get; init; }
}

/// <summary>One optimisation step, as reported to the progress callback.</summary>
public sealed record TrainingStep(int Step, int TotalSteps, int Epoch, float Loss, float TripletLoss, float DistillationLoss, float ActiveFraction, TimeSpan Elapsed);

/// <summary>The trained network and what happened.</summary>
public sealed record TrainingResult(FastFaceNetNetwork Network, IReadOnlyList<TrainingStep> History, ThresholdAccuracy Threshold, TimeSpan Elapsed, bool StoppedByTimeLimit, int StartStep);

/// <summary>
/// Trains <see cref="FastFaceNetNetwork"/> on aligned crops with online semi-hard triplet selection
/// (<see cref="TripletMining"/>) and, when the crops carry teacher embeddings (e.g. MobileFaceNet), with
/// distillation. Two distillation terms, both on L2-normalised embeddings so the student's dimension need not
/// match the teacher's: (1) relational - the student's batch cosine-similarity matrix regresses on the
/// teacher's (mean squared difference over off-diagonal pairs), which transfers who-is-close-to-whom;
/// (2) direct - a linear projection P (training only, not exported) maps the student embedding to the
/// teacher's space and ‖normalize(P s) - t‖² is minimised, which gives a dense per-image target. With little
/// identity data these make it go much further than triplets alone. With a teacher embedder passed to
/// <see cref="Train"/>, the teacher embeds each augmented crop the student sees (flipped, shifted, gray), so
/// the targets match the input; otherwise the cached embeddings of the unaugmented crops are used. The next
/// batch (sampling, augmentation, teacher) is prepared on another thread while the current one trains.
/// Deterministic: each step's batch and augmentation come from a generator seeded by (seed, step), weights
/// from the seed, so a resumed run repeats an uninterrupted one's batches.
/// </summary>
public sealed class FastFaceNetTrainer(FastFaceNetOptions options)
{
    public FastFaceNetOptions Options { get; } = options;

    /// <param name="teacher">Online teacher: embeds every augmented crop (null: the crops' cached teacher embeddings, if any).</param>
    /// <param name="unlabelled">Faces without identity labels, mixed into each batch for the distillation loss
    /// (<see cref="FastFaceNetOptions.UnlabelledPerBatch"/> of them; ignored without a teacher).</param>
    /// <param name="onEvaluate">Called with (steps done, network in eval mode) every <see cref="FastFaceNetOptions.EvaluateEvery"/>
    /// steps and at the end: a learning curve. It must not change the network.</param>
    public TrainingResult Train(FaceCropSet data, Action<TrainingStep>? onStep = null, FaceEmbedder? teacher = null,
        FaceCropSet? unlabelled = null, Action<int, FastFaceNetNetwork>? onEvaluate = null)
    {
        var o = Options;
        if (data.Size != o.InputSize) throw new ArgumentException($"crops are {data.Size}px, the network takes {o.InputSize}px");
        if (unlabelled is not null && unlabelled.Size != o.InputSize) throw new ArgumentException($"unlabelled crops are {unlabelled.Size}px, the network takes {o.InputSize}px");
        TorchRuntime.Initialize(o.Threads);
        var watch = Stopwatch.StartNew();
        var network = new FastFaceNetNetwork(o.Width, o.EmbeddingSize, o.Seed);
        int teacherSize = teacher?.EmbeddingSize ?? data.Teacher?[0].Length ?? 0;
        bool distill = teacherSize > 0 && (o.SimilarityDistillationWeight > 0 || o.ProjectionDistillationWeight > 0);
        // Unlabelled faces need a target: the online teacher, or cached teacher embeddings in their crop set.
        if (!distill || (teacher is null && unlabelled?.Teacher is null) || o.UnlabelledPerBatch <= 0) unlabelled = null;
        Linear? projection = distill && o.ProjectionDistillationWeight > 0 ? nn.Linear(o.EmbeddingSize, teacherSize, hasBias: false) : null;
        var parameters = network.parameters().Concat(projection?.parameters() ?? []).ToList();
        OptimizerHelper optimizer = o.Optimizer switch
        {
            FastFaceNetOptimizer.Adam => optim.Adam(parameters, o.LearningRate),
            FastFaceNetOptimizer.Sgd => optim.SGD(parameters, o.LearningRate, momentum: 0.9),
            _ => optim.Adagrad(parameters, o.LearningRate),
        };

        int batch = o.IdentitiesPerBatch * o.ImagesPerIdentity;
        int stepsPerEpoch = o.StepsPerEpoch > 0 ? o.StepsPerEpoch : Math.Max(1, data.Count / batch);
        int totalSteps = stepsPerEpoch * o.Epochs;
        int start = o.Resume ? TryResume(network, projection, optimizer) : 0;
        var byIdentity = data.ByIdentity();
        if (start == 0 && o.Initialisation == FastFaceNetInitialisation.FaceDetector)
        {
            using var calibration = Prepare(data, byIdentity, null, teacher: null, distill: false, step: -1).Input(o.InputSize);
            FaceDetectorBackbone.Apply(network, FaceDetectorBackbone.Load(o.Store), calibration);
        }
        var history = new List<TrainingStep>();
        bool timedOut = false;
        network.train();
        Task<PreparedBatch>? next = start < totalSteps ? Task.Run(() => Prepare(data, byIdentity, unlabelled, teacher, distill, start)) : null;
        for (int step = start; step < totalSteps; step++)
        {
            if (o.TimeLimit is { } limit && watch.Elapsed > limit) { timedOut = true; break; }
            var prepared = next!.GetAwaiter().GetResult();
            int following = step + 1;
            next = following < totalSteps ? Task.Run(() => Prepare(data, byIdentity, unlabelled, teacher, distill, following)) : null;
            foreach (var group in optimizer.ParamGroups) group.LearningRate = LearningRateAt(o, step, totalSteps);
            int n = prepared.Count;

            using var scope = NewDisposeScope();
            var embeddings = network.call(prepared.Input(o.InputSize));
            var sq = TripletMining.SquaredDistances(embeddings);
            var (triplets, pairs) = TripletMining.SelectSemiHard(sq.detach().data<float>().ToArray(), prepared.Labels, o.Margin, prepared.Rng);
            var tripletLoss = TripletMining.Loss(sq, triplets, o.Margin);
            var loss = o.TripletWeight * tripletLoss;
            Tensor? distillLoss = null;
            if (distill)
            {
                var t = tensor(prepared.Targets!, [n, teacherSize]);
                distillLoss = zeros(1).sum();
                if (o.SimilarityDistillationWeight > 0)
                {
                    var diff = embeddings.matmul(embeddings.t()) - t.matmul(t.t());
                    var offDiagonal = 1 - eye(n);
                    distillLoss = distillLoss + o.SimilarityDistillationWeight * (diff * diff * offDiagonal).sum() / (n * (n - 1));
                }
                if (projection is not null)
                {
                    var projected = nn.functional.normalize(projection.call(embeddings), p: 2, dim: 1);
                    distillLoss = distillLoss + o.ProjectionDistillationWeight * (projected - t).pow(2).sum(1).mean();
                }
                loss = loss + distillLoss;
            }
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            var record = new TrainingStep(step + 1, totalSteps, step / stepsPerEpoch + 1, loss.item<float>(), tripletLoss.item<float>(),
                distillLoss?.item<float>() ?? 0, pairs == 0 ? 0 : (float)triplets.Count / pairs, watch.Elapsed);
            history.Add(record);
            onStep?.Invoke(record);
            if ((step + 1) % stepsPerEpoch == 0 && step + 1 < totalSteps) SaveCheckpoint(network, projection, optimizer, step + 1);
            if (onEvaluate is not null && o.EvaluateEvery > 0 && (step + 1) % o.EvaluateEvery == 0 && step + 1 < totalSteps)
            {
                network.eval();
                onEvaluate(step + 1, network);
                network.train();
            }
        }
        next?.Wait();
        SaveCheckpoint(network, projection, optimizer, start + history.Count);
        network.eval();
        onEvaluate?.Invoke(start + history.Count, network);
        var threshold = EstimateThreshold(network, data, o.Seed);
        return new TrainingResult(network, history, threshold, watch.Elapsed, timedOut, start);
    }

    /// <summary>The learning rate of step <paramref name="step"/> (0-based) of <paramref name="totalSteps"/>.</summary>
    internal static double LearningRateAt(FastFaceNetOptions o, int step, int totalSteps) => o.Schedule switch
    {
        LearningRateSchedule.Cosine => o.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * step / totalSteps)),
        _ => o.LearningRate,
    };

    /// <summary>A step's batch, ready for the network: packed NHWC input, labels, teacher targets and the step's generator (mining continues it).</summary>
    private sealed record PreparedBatch(int Count, float[] Pixels, int[] Labels, float[]? Targets, Random Rng)
    {
        public Tensor Input(int size) => FaceCropSet.ToNchw(Pixels, Count, size);
    }

    /// <summary>Samples and augments step <paramref name="step"/>'s batch (P x K labelled crops, then the unlabelled ones,
    /// labelled -1, -2, ...); the teacher (if any) embeds the augmented crops.</summary>
    private PreparedBatch Prepare(FaceCropSet data, int[][] byIdentity, FaceCropSet? unlabelled, FaceEmbedder? teacher, bool distill, int step)
    {
        var o = Options;
        var rng = new Random(StepSeed(o.Seed, step));
        var indices = TripletMining.SampleBatch(byIdentity, o.IdentitiesPerBatch, o.ImagesPerIdentity, rng);
        var extra = unlabelled is null ? [] : Enumerable.Range(0, o.UnlabelledPerBatch).Select(_ => rng.Next(unlabelled.Count)).ToArray();
        var sources = indices.Select(i => (Set: data, Index: i)).Concat(extra.Select(i => (Set: unlabelled!, Index: i))).ToArray();
        int n = sources.Length, per = o.InputSize * o.InputSize * 3;
        var pixels = new float[n * per];
        var crops = new RgbImage[n];
        for (int i = 0; i < n; i++)
        {
            crops[i] = FaceAugmenter.Apply(sources[i].Set.Crop(sources[i].Index), o.Augmentation, rng);
            TensorPacker.Pack(crops[i], pixels.AsSpan(i * per, per), FastFaceNetExporter.Mean, FastFaceNetExporter.Scale);
        }
        float[]? targets = null;
        if (distill && teacher is not null)
            targets = teacher.EmbedBatch(crops.Select(c => c.Width == teacher.InputSize ? c : AffineWarp.Resize(c, teacher.InputSize, teacher.InputSize)).ToArray())
                .SelectMany(e => e).ToArray();
        else if (distill)
            targets = sources.SelectMany(s => s.Set.Teacher![s.Index]).ToArray();
        var labels = indices.Select(i => data.Labels[i]).Concat(extra.Select((_, j) => -1 - j)).ToArray();
        return new PreparedBatch(n, pixels, labels, targets, rng);
    }

    /// <summary>The seed of a step's generator: fixed across processes (HashCode.Combine is randomised per process).</summary>
    internal static int StepSeed(int seed, int step)
    {
        ulong x = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ (ulong)(uint)step * 0xBF58476D1CE4E5B9UL;
        x ^= x >> 31; x *= 0x94D049BB133111EBUL; x ^= x >> 29;
        return (int)(x & 0x7fffffff);
    }

    /// <summary>Embeddings (eval mode, no augmentation) of the given crops, in batches of 64.</summary>
    public static float[][] Embed(FastFaceNetNetwork network, FaceCropSet data, IReadOnlyList<int> indices)
    {
        bool wasTraining = network.training;
        network.eval();
        var result = new List<float[]>();
        using (no_grad())
        {
            for (int b = 0; b < indices.Count; b += 64)
            {
                int n = Math.Min(64, indices.Count - b);
                using var scope = NewDisposeScope();
                var e = network.call(data.Batch(indices.Skip(b).Take(n).ToArray())).data<float>().ToArray();
                int d = e.Length / n;
                for (int i = 0; i < n; i++) result.Add(e.AsSpan(i * d, d).ToArray());
            }
        }
        if (wasTraining) network.train();
        return result.ToArray();
    }

    /// <summary>
    /// The best verification threshold (Euclidean distance) on balanced pairs of up to 400 training crops: every
    /// same-identity pair and as many random different-identity pairs (unbalanced pairs would favour "different").
    /// </summary>
    public static ThresholdAccuracy EstimateThreshold(FastFaceNetNetwork network, FaceCropSet data, int seed)
    {
        var rng = new Random(seed);
        var order = Enumerable.Range(0, data.Count).ToArray();
        rng.Shuffle(order);
        var chosen = order.Take(400).OrderBy(i => data.Labels[i]).ToArray();
        var e = Embed(network, data, chosen);
        var sameDistances = new List<float>();
        for (int i = 0; i < e.Length; i++)
            for (int j = i + 1; j < e.Length && data.Labels[chosen[j]] == data.Labels[chosen[i]]; j++)
                sameDistances.Add(EmbeddingDistance.Euclidean(e[i], e[j]));
        var distances = new List<float>(sameDistances);
        var same = Enumerable.Repeat(true, sameDistances.Count).ToList();
        for (int tries = 0; same.Count < 2 * Math.Max(1, sameDistances.Count) && tries < 100_000; tries++)
        {
            int i = rng.Next(e.Length), j = rng.Next(e.Length);
            if (data.Labels[chosen[i]] == data.Labels[chosen[j]]) continue;
            distances.Add(EmbeddingDistance.Euclidean(e[i], e[j]));
            same.Add(false);
        }
        return BestThreshold.Find(distances.ToArray(), same.ToArray());
    }

    private sealed record CheckpointState(int Step, double Width, int InputSize, int EmbeddingSize, int Seed, bool Projection);

    private CheckpointState State(int step, Linear? projection) =>
        new(step, Options.Width, Options.InputSize, Options.EmbeddingSize, Options.Seed, projection is not null);

    private void SaveCheckpoint(FastFaceNetNetwork network, Linear? projection, OptimizerHelper optimizer, int step)
    {
        var dir = Options.CheckpointDirectory;
        if (dir is null) return;
        Directory.CreateDirectory(dir);
        network.save(Path.Combine(dir, "network.bin"));
        projection?.save(Path.Combine(dir, "projection.bin"));
        optimizer.save_state_dict(Path.Combine(dir, "optimizer.bin"));
        File.WriteAllText(Path.Combine(dir, "state.json"), JsonSerializer.Serialize(State(step, projection)));
    }

    /// <summary>Loads a matching checkpoint; returns the step to continue from (0 when there is none).</summary>
    private int TryResume(FastFaceNetNetwork network, Linear? projection, OptimizerHelper optimizer)
    {
        var dir = Options.CheckpointDirectory;
        if (dir is null || !File.Exists(Path.Combine(dir, "state.json"))) return 0;
        var state = JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(Path.Combine(dir, "state.json")));
        if (state is null || state with { Step = 0 } != State(0, projection)) return 0;
        network.load(Path.Combine(dir, "network.bin"));
        projection?.load(Path.Combine(dir, "projection.bin"));
        optimizer.load_state_dict(Path.Combine(dir, "optimizer.bin"));
        return state.Step;
    }
}
