/** Renderer entry: connects to the StudioApi, then mounts the studio. */
import './theme.ts'; // applies the remembered theme before the first paint
import { createRoot } from 'react-dom/client';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { App } from './App.tsx';
import { connectStudio, errorMessage } from './api.ts';
import { useStudio } from './store.ts';

const root = createRoot(document.getElementById('root')!);
root.render(<App />);

connectStudio(() => {
  useStudio.getState().setConnection('closed');
  useStudio.getState().notify('error', 'The connection to the studio host was lost. Restart `lens-studio studio` and reload the page.');
})
  .then((api) => useStudio.getState().init(api))
  .catch((e) => {
    useStudio.getState().setConnection('closed');
    useStudio.getState().notify('error', errorMessage(e));
  });
