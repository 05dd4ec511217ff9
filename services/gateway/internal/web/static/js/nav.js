// Every page: the log-out button.
import { api } from './api.js';

const logout = document.getElementById('logout');
if (logout) {
  logout.addEventListener('click', async () => {
    logout.disabled = true;
    try {
      await api('DELETE', '/api/v1/sessions/current', undefined, { redirect401: false });
    } catch {
      // Already ended: logging out is done either way.
    }
    location.assign('/login?reason=logged-out');
  });
}
