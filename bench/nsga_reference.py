"""Reference elite selections for NsgaSamplerTests.EliteSelectionMatchesOptuna (Optuna 5: PYTHONPATH=<optuna checkout>)."""
import optuna, random
from optuna.samplers.nsgaii._elite_population_selection_strategy import NSGAIIElitePopulationSelectionStrategy
optuna.logging.set_verbosity(optuna.logging.WARNING)
rng = random.Random(3)
vals = [(round(rng.random(), 3), round(rng.random(), 3)) for _ in range(14)]
vals[5] = vals[2]
st = optuna.create_study(directions=["minimize", "maximize"])
for v in vals:
    st.add_trial(optuna.trial.create_trial(values=list(v)))
trials = st.get_trials()
for k in [4, 7]:
    elite = NSGAIIElitePopulationSelectionStrategy(population_size=k)(st, list(trials))
    print(k, sorted(t.number for t in elite), [t.number for t in elite])
print(vals)
